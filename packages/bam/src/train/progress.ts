/**
 * A one-line progress bar with ETA, steps/s and loss on a TTY; on pipes and
 * in CI, a plain line every `everyFraction` of the run instead of carriage returns.
 */
export interface ProgressSink {
  isTTY?: boolean;
  write(s: string): unknown;
}

export class Progress {
  private readonly t0 = performance.now();
  private lastLine = -1;
  private readonly startStep: number;

  constructor(
    private readonly label: string,
    private readonly total: number,
    startStep = 0,
    private readonly out: ProgressSink | null = (globalThis as { process?: { stderr: ProgressSink } }).process?.stderr ?? null,
    private readonly everyFraction = 0.1,
  ) {
    this.startStep = startStep;
  }

  update(step: number, info: Record<string, number | string> = {}): void {
    if (!this.out) return;
    const done = step - this.startStep;
    const elapsed = (performance.now() - this.t0) / 1000;
    const rate = done > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (this.total - step) / rate : NaN;
    const frac = this.total > 0 ? step / this.total : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const extra = Object.entries(info)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(4) : v}`)
      .join('  ');
    const line = `${this.label} ${bar} ${step}/${this.total}  ${rate.toFixed(2)} steps/s  ETA ${fmtTime(eta)}  ${extra}`;
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      if (step >= this.total) this.out.write('\n');
      return;
    }
    const bucket = Math.floor(frac / this.everyFraction);
    if (bucket !== this.lastLine || step >= this.total) {
      this.lastLine = bucket;
      this.out.write(`${line}\n`);
    }
  }
}

export function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  // Round to whole seconds first, so 119.6 s reads 2:00, not 1:60.
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  const sec = whole % 60;
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}
