/**
 * Hugging Face's "longest_first" truncation of a pair: remove one token at a
 * time from the end of the longer segment — from the second on a tie — until
 * both fit in `room` tokens together. Returns new arrays.
 */
export function truncateLongestFirst(
  first: readonly number[],
  second: readonly number[],
  room: number,
): [number[], number[]] {
  let firstLength = first.length;
  let secondLength = second.length;
  while (firstLength + secondLength > room) {
    if (firstLength > secondLength) firstLength--;
    else secondLength--;
  }
  return [first.slice(0, firstLength), second.slice(0, secondLength)];
}
