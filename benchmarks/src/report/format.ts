/** Number formatting shared by the console, markdown and SVG reports. */

/** Milliseconds in the unit that keeps 3 significant digits readable: µs, ms or s. */
export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

export function fmtRate(rate: number | null | undefined, unit: string): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${rate >= 1000 ? Math.round(rate).toString() : rate.toPrecision(3)} ${unit}`;
}

export function fmtRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

export function fmtBytes(n: number): string {
  return `${(n / 2 ** 30).toFixed(1)} GiB`;
}
