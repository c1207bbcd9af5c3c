/**
 * A small SVG line chart of loss per step, redrawn after every step. The
 * y axis spans the values seen (a few steps move a loss by percents, which
 * an axis from 0 would flatten); its labels give the scale.
 */
export interface Series {
  name: string;
  color: string;
  values: readonly number[];
}

const SVG = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 220;
// The legend sits above the plot area, so curves never run under it.
const PAD = { left: 52, right: 12, top: 30, bottom: 26 };

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Redraws `svg` with the series (same length each; `totalSteps` fixes the x axis so the curve grows left to right). */
export function drawLossChart(svg: SVGSVGElement, series: readonly Series[], totalSteps: number): void {
  svg.replaceChildren();
  const n = Math.max(0, ...series.map((s) => s.values.length));
  svg.dataset.points = String(n);
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  const margin = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
  lo -= margin;
  hi += margin;
  const bottom = H - PAD.bottom;
  const x = (i: number) => PAD.left + (W - PAD.left - PAD.right) * (totalSteps > 1 ? i / (totalSteps - 1) : 0);
  const y = (v: number) => PAD.top + (bottom - PAD.top) * (1 - (v - lo) / (hi - lo));
  svg.append(el('line', { x1: PAD.left, y1: bottom, x2: W - PAD.right, y2: bottom, stroke: '#8c959f' }));
  svg.append(el('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: bottom, stroke: '#8c959f' }));
  for (const v of [lo, (lo + hi) / 2, hi]) {
    svg.append(el('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#59636e' }, v.toFixed(3)));
  }
  svg.append(el('text', { x: W - PAD.right, y: H - 6, 'text-anchor': 'end', 'font-size': 11, fill: '#59636e' }, `${n} of ${totalSteps} steps`));
  let legendX = PAD.left;
  series.forEach((s) => {
    if (s.values.length > 0) {
      const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      svg.append(el('polyline', { points, fill: 'none', stroke: s.color, 'stroke-width': 2, 'data-series': s.name }));
    }
    svg.append(el('rect', { x: legendX, y: 8, width: 10, height: 10, fill: s.color }));
    svg.append(el('text', { x: legendX + 16, y: 17, 'font-size': 12, fill: '#1b1f24' }, s.name));
    legendX += 16 + 7 * s.name.length + 24;
  });
}
