/** A teacher-predictions file that is not {example id: logits} with one label count throughout. */
export class TeacherPredictionsError extends Error {
  override name = 'TeacherPredictionsError';

  constructor(
    /** The predictions file. */
    readonly file: string,
    /** What was wrong, naming the example id where there is one. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
