import { Mulberry32 } from '@bamgpu/core';

/** BERT's masking: each ordinary token is chosen with probability `rate`; a chosen token becomes [MASK] 80%, a random token 10%, itself 10%. */
export interface MaskingOptions {
  rate: number;
  maskId: number;
  vocabSize: number;
  /** Ids never chosen ([CLS], [SEP], [PAD], …). */
  specialIds: ReadonlySet<number>;
}

export interface MaskedRows {
  /** The corrupted ids, one array per row. */
  inputIds: number[][];
  /** Flat positions b·T + t of the chosen tokens, in order (T = the batch's padded length). */
  positions: number[];
  /** The original id at each chosen position. */
  labels: number[];
}

/**
 * Chooses and corrupts tokens of a batch of rows padded to length `t`.
 * Random tokens are drawn among the ordinary ids, as BERT draws words.
 * At least one token per batch is chosen (the loss is a mean over them),
 * so a batch of very short rows still trains.
 */
export function maskRows(rows: readonly (readonly number[])[], t: number, rng: Mulberry32, o: MaskingOptions): MaskedRows {
  const ordinary: number[] = [];
  for (let id = 0; id < o.vocabSize; id++) if (!o.specialIds.has(id)) ordinary.push(id);
  if (ordinary.length === 0) throw new Error('masking: the vocabulary has no ordinary tokens');
  const inputIds = rows.map((r) => [...r]);
  const positions: number[] = [];
  const labels: number[] = [];
  const choose = (b: number, i: number) => {
    const original = rows[b][i];
    positions.push(b * t + i);
    labels.push(original);
    const r = rng.uniform();
    if (r < 0.8) inputIds[b][i] = o.maskId;
    else if (r < 0.9) inputIds[b][i] = ordinary[rng.int(ordinary.length)];
  };
  rows.forEach((row, b) => {
    for (let i = 0; i < row.length; i++) {
      if (!o.specialIds.has(row[i]) && rng.uniform() < o.rate) choose(b, i);
    }
  });
  if (positions.length === 0) {
    const candidates: [number, number][] = [];
    rows.forEach((row, b) => row.forEach((id, i) => !o.specialIds.has(id) && candidates.push([b, i])));
    if (candidates.length === 0) throw new Error('masking: no row of the batch has an ordinary token');
    const [b, i] = candidates[rng.int(candidates.length)];
    choose(b, i);
  }
  return { inputIds, positions, labels };
}
