/**
 * Hand-written SVG line charts (no dependencies): one chart per quantity,
 * one line per series, axes with a few ticks, a legend.
 */
export interface Series {
  name: string;
  points: readonly [number, number][];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = 10 ** Math.floor(Math.log10((hi - lo) / n));
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => (hi - lo) / s <= n) ?? 10 * step;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-12; v += nice) out.push(Number(v.toPrecision(10)));
  return out;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], width = 640, height = 360): string {
  const pad = { l: 64, r: 160, t: 36, b: 48 };
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1] = pts.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = pts.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const sx = (x: number) => pad.l + (x1 > x0 ? ((x - x0) / (x1 - x0)) * w : w / 2);
  const sy = (y: number) => pad.t + h - ((y - y0) / (y1 - y0)) * h;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${pad.l}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<line x1="${pad.l}" y1="${pad.t + h}" x2="${pad.l + w}" y2="${pad.t + h}" stroke="#333"/>`);
  parts.push(`<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${pad.t + h}" stroke="#333"/>`);
  for (const t of ticks(x0, x1)) {
    parts.push(`<line x1="${sx(t)}" y1="${pad.t + h}" x2="${sx(t)}" y2="${pad.t + h + 4}" stroke="#333"/><text x="${sx(t)}" y="${pad.t + h + 16}" text-anchor="middle">${t}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    parts.push(`<line x1="${pad.l - 4}" y1="${sy(t)}" x2="${pad.l + w}" y2="${sy(t)}" stroke="#eee"/><text x="${pad.l - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  parts.push(`<text x="${pad.l + w / 2}" y="${height - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${pad.t + h / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
    parts.push(`<line x1="${pad.l + w + 12}" y1="${pad.t + 10 + i * 16}" x2="${pad.l + w + 30}" y2="${pad.t + 10 + i * 16}" stroke="${color}" stroke-width="2"/><text x="${pad.l + w + 34}" y="${pad.t + 14 + i * 16}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
