/**
 * Stores `value` under `key` as the most recently used entry of `map` and
 * drops the least recently used past `capacity`. A Map iterates in insertion
 * order, so deleting and re-inserting moves a key to the end and the first
 * key is the oldest.
 */
export function setMostRecent<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) map.delete(map.keys().next().value as K);
}
