/** latest.md: the run's table, how to read it, and what could have skewed it. */
import { fmtBytes, fmtRate, fmtRatio, fmtTime } from './format.js';
import { adapterName, wasContended, type RunRecord } from './meta.js';
import { f32Peak } from './peaks.js';
import type { RowResult } from '../types.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');

function rowLine(r: RowResult): string {
  const o = r.ours;
  const t = r.tfjs;
  const oursTime = o ? `${fmtTime(o.medianMs)}${o.gpuMedianMs !== null ? ` (GPU ${fmtTime(o.gpuMedianMs)})` : ''}` : `error: ${esc(r.errors?.ours ?? '?')}`;
  const tfTime = t ? `${fmtTime(t.medianMs)}${t.gpuMedianMs !== null ? ` (GPU ${fmtTime(t.gpuMedianMs)})` : ''}` : esc(r.errors?.tfjs ?? '—');
  return `| ${r.id} | ${esc(r.shape)} | ${oursTime} | ${fmtRate(o?.rate, r.unit)} | ${tfTime} | ${fmtRate(t?.rate, r.unit)} | **${fmtRatio(r.ratio)}**${r.ratioRange ? ` (${fmtRatio(r.ratioRange[0])}–${fmtRatio(r.ratioRange[1])})` : ''} | ${fmtRatio(r.gpuRatio)} |`;
}

function versusLine(r: RowResult): string {
  const v = r.versus!;
  const theirs = v.side ? fmtTime(v.side.medianMs) : `error: ${esc(v.error ?? '?')}`;
  const range = v.range ? ` (${fmtRatio(v.range[0])}–${fmtRatio(v.range[1])})` : '';
  return `| ${r.id} | ${r.ours ? fmtTime(r.ours.medianMs) : `error: ${esc(r.errors?.ours ?? '?')}`} | ${esc(v.name)} | ${theirs} | **${fmtRatio(v.speedup)}**${range} |`;
}

export function renderMarkdown(run: RunRecord, jsonName: string): string {
  const m = run.machine;
  const lines: string[] = [];
  lines.push(`# Benchmarks on ${adapterName(run.adapter)}`);
  lines.push('');
  lines.push(`- Adapter: vendor \`${run.adapter.vendor}\`${run.adapter.architecture ? `, architecture \`${run.adapter.architecture}\`` : ''}, ${run.adapter.isCPU ? 'a CPU (software) adapter' : 'a hardware GPU'}; timestamp queries ${run.adapter.features.includes('timestamp-query') ? 'available' : 'not available'}`);
  lines.push(`- Date: ${run.date} · commit \`${run.git.commit?.slice(0, 12) ?? 'unknown'}\`${run.git.dirty ? ' (with uncommitted changes)' : ''} · Node ${run.node} · ${run.tfjs ? run.tfjs.version : 'TF.js not run'}`);
  lines.push(`- Machine: ${m.cpus} × ${m.cpuModel}, ${fmtBytes(m.memoryBytes)}, ${m.os}; run took ${run.durationS.toFixed(0)} s`);
  if (wasContended(m)) {
    lines.push(`- **Other processes were running**: they used ${((m.otherCpuShare ?? 0) * 100).toFixed(0)}% of the machine's CPU time during the run (load average ${m.loadavgStart.toFixed(2)} at the start)${run.adapter.isCPU ? ', and on this adapter the CPU is the GPU — treat the absolute numbers as noisy; both libraries ran under the same conditions, interleaved row by row' : ''}.`);
  }
  lines.push(`- Raw samples: [${jsonName}](${jsonName}) · chart: [latest.svg](latest.svg)`);
  lines.push('');
  lines.push(
    'How to read it: each time is the median wall-clock time of one call (GPU wait included; benchmark.js samples, several calls per sample where one call is short), with the GPU timestamp time beside it; **ours/TF.js** is our rate over TF.js\'s rate on wall time — above 1× we are faster, below 1× TF.js is — and "GPU ratio" is the same on timestamp time.',
  );
  const rounds = run.harness.rounds ?? 1;
  if (rounds > 1) {
    lines.push(
      '',
      `Each row was sampled in ${rounds} rounds taken in turn (ours, TF.js, ours, …), so each round's pair met the same machine, and each library's workload was set up for its round and freed after it, so only one library's tensors were alive while it was timed; **ours/TF.js** is the median over rounds of the pair's ratio, and the lowest and highest round follow it in brackets: how far the machine's drift moved it.`,
    );
  }
  if (run.adapter.isCPU) {
    lines.push(
      '',
      run.harness.tfjsWait === 'settle'
        ? 'On this CPU adapter both libraries wait as our runtime does: dawn.node polls a core while a wait is pending, and that core is the GPU\'s, so each wait sleeps for 80% of the fastest wait on the same work and dawn.node\'s polls are spaced 0.5 ms apart after that (packages/core/src/runtime/settle.ts) — `Runtime.sync()` on our side, the same code around TF.js\'s `onSubmittedWorkDone()` on its side.'
        : run.harness.oursWait === 'runtime'
        ? 'On this CPU adapter each wait first sleeps for part of the expected GPU time, so dawn.node\'s busy-poll does not take a core from the rasteriser threads: for TF.js the harness sleeps 40% of the fastest unslept run; ours waits with `Runtime.sync()`, whose own sleep is learned from recent dispatches — what a training loop gets.'
        : 'On this CPU adapter the harness sleeps for part of the expected GPU time before each wait (both libraries alike), so dawn.node\'s busy-poll does not take a core from the rasteriser threads; the hint is half the fastest unslept run, so the sleep ends before the work does.',
    );
  }
  lines.push('');
  lines.push('| Row | Shape | Ours (median) | Ours rate | TF.js (median) | TF.js rate | Ours/TF.js | GPU ratio |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of run.rows) lines.push(rowLine(r));
  const versus = run.rows.filter((r) => r.versus);
  if (versus.length) {
    lines.push(
      '',
      'Our paths against each other: these rows also sampled another of our paths for the same work, in the same rounds (ours, the other path, TF.js, ours, …), so each pair met the same machine. **Speed-up** is the median over rounds of the other path\'s time over this row\'s — above 1× this row\'s path is faster — with the lowest and highest round in brackets.',
      '',
      '| Row | Ours (median) | Other path | Its median | Speed-up |',
      '| --- | --- | --- | --- | --- |',
      ...versus.map(versusLine),
    );
  }
  const first = run.rows.find((r) => r.group === 'compile');
  const notes = run.rows.filter((r) => r.note).map((r) => `- \`${r.id}\`: ${r.note}`);
  if (first?.extra || notes.length) lines.push('');
  if (first?.extra) {
    const e = first.extra;
    lines.push(
      `First step: ours ${fmtTime(first.ours?.medianMs)} (compiled ${e.oursPipelines ?? '?'} pipelines in ${fmtTime(e.oursPipelineMs as number | null)}) against ${fmtTime(e.oursLaterStepMs as number | null)} for later steps; TF.js ${fmtTime(first.tfjs?.medianMs)} (${e.tfjsPipelines ?? '?'} pipelines) against ${fmtTime(e.tfjsLaterStepMs as number | null)}.`,
    );
  }
  const peak = f32Peak(run.adapter);
  const matmuls = run.rows.filter((r) => r.group === 'matmul' && r.ours);
  if (peak && matmuls.length) {
    const best = matmuls.reduce((a, b) => ((b.ours?.rate ?? 0) > (a.ours?.rate ?? 0) ? b : a));
    const pct = (r: RowResult) => `${(((r.ours?.rate ?? 0) / peak.gflops) * 100).toFixed(0)}%`;
    lines.push(
      '',
      `Against the card's f32 peak (${(peak.gflops / 1000).toFixed(1)} TFLOP/s: ${peak.source}): best f32 matmul \`${best.id}\` ${fmtRate(best.ours?.rate, best.unit)} = ${pct(best)} of peak; ` +
        matmuls.map((r) => `${r.id.replace(/^matmul\//, '')} ${pct(r)}`).join(', ') +
        '.',
    );
  }
  if (notes.length) lines.push('', 'Notes:', ...notes);
  if (run.annotations?.length) lines.push('', 'Added after the run:', ...run.annotations.map((a) => `- ${a}`));
  lines.push('');
  return lines.join('\n');
}
