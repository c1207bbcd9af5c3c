/**
 * A dependency-free SVG bar chart of ours/TF.js per row, on a log2 axis so
 * 2× faster and 2× slower are bars of the same length either side of 1×.
 */
import { fmtRatio } from './format.js';
import type { RunRecord } from './meta.js';

const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderSvg(run: RunRecord): string {
  const rows = run.rows.filter((r): r is typeof r & { ratio: number } => r.ratio !== null && Number.isFinite(r.ratio) && r.ratio > 0);
  const W = 980;
  const labelW = 380;
  const x0 = labelW + 20;
  const x1 = W - 70;
  const top = 64;
  const rowH = 22;
  const H = top + Math.max(rows.length, 1) * rowH + 40;
  const lo = Math.floor(Math.log2(Math.min(0.25, ...rows.map((r) => r.ratio))));
  const hi = Math.ceil(Math.log2(Math.max(4, ...rows.map((r) => r.ratio))));
  const x = (ratio: number) => x0 + ((Math.log2(ratio) - lo) / (hi - lo)) * (x1 - x0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  const title = `ours / TF.js WebGPU (rate on wall time) — ${run.adapter.description || run.adapter.slug}`;
  out.push(`<text x="12" y="22" font-size="15" font-weight="600">${xmlEsc(title)}</text>`);
  out.push(`<text x="12" y="42" fill="#555">${xmlEsc(`${run.date.slice(0, 10)} · commit ${run.git.commit?.slice(0, 12) ?? 'unknown'} · right of 1×: ours faster, left: TF.js faster`)}</text>`);
  for (let e = lo; e <= hi; e++) {
    const gx = x(2 ** e);
    const label = e >= 0 ? `${2 ** e}×` : `1/${2 ** -e}×`;
    out.push(`<line x1="${gx.toFixed(1)}" y1="${top - 6}" x2="${gx.toFixed(1)}" y2="${H - 30}" stroke="${e === 0 ? '#333' : '#ddd'}" stroke-width="${e === 0 ? 1.5 : 1}"/>`);
    out.push(`<text x="${gx.toFixed(1)}" y="${H - 14}" text-anchor="middle" fill="#555">${label}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const a = x(1);
    const b = x(r.ratio);
    const faster = r.ratio >= 1;
    out.push(`<text x="${labelW}" y="${y + 14}" text-anchor="end">${xmlEsc(r.id)}</text>`);
    out.push(`<rect x="${Math.min(a, b).toFixed(1)}" y="${y + 3}" width="${Math.max(1, Math.abs(b - a)).toFixed(1)}" height="15" fill="${faster ? '#2a9d55' : '#d1495b'}"/>`);
    out.push(`<text x="${(faster ? b + 4 : a + 4).toFixed(1)}" y="${y + 14}" fill="#222">${fmtRatio(r.ratio)}</text>`);
  });
  if (rows.length === 0) out.push(`<text x="${x0}" y="${top + 14}" fill="#555">no row has both libraries (run without --no-tfjs)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
