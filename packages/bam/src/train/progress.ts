/**
 * A one-line progress bar with ETA, steps/s and loss on a TTY; on pipes and
 * in CI, a plain line as the run passes each tenth (`marks`), and also once
 * `intervalS` has passed since the last line, so the log of an hours-long run
 * shows it moving.
 */
export interface ProgressSink {
  isTTY?: boolean;
  write(s: string): unknown;
}

export interface ProgressOptions {
  /** Where lines go; null writes nothing. Defaults to process.stderr where there is one. */
  out?: ProgressSink | null;
  /** On pipes, a line as the run passes each tenth (for 10) of its steps. */
  marks?: number;
  /** On pipes, a line at least this often, in seconds, while updates come. */
  intervalS?: number;
  /** Milliseconds, monotonic (a parameter so tests can drive it). */
  now?: () => number;
}

export class Progress {
  private readonly out: ProgressSink | null;
  private readonly marks: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly t0: number;
  /** The first update: the rate counts from it, so start-up (pipeline compiles, data set-up) does not stretch the ETA. */
  private anchor: { t: number; step: number } | null = null;
  private lastBucket = -1;
  private lastLineAt = -Infinity;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly startStep = 0,
    opts: ProgressOptions = {},
  ) {
    this.out = opts.out !== undefined ? opts.out : ((globalThis as { process?: { stderr: ProgressSink } }).process?.stderr ?? null);
    this.marks = opts.marks ?? 10;
    this.intervalMs = (opts.intervalS ?? 60) * 1000;
    this.now = opts.now ?? (() => performance.now());
    this.t0 = this.now();
  }

  update(step: number, info: Record<string, number | string> = {}): void {
    if (!this.out) return;
    const t = this.now();
    const from = this.anchor && step > this.anchor.step ? this.anchor : { t: this.t0, step: this.startStep };
    this.anchor ??= { t, step };
    const rate = step > from.step && t > from.t ? (step - from.step) / ((t - from.t) / 1000) : 0;
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
    // Integer arithmetic, so step 30 of 100 is the third tenth, not 2.9999.
    const bucket = this.total > 0 ? Math.floor((step * this.marks) / this.total) : this.marks;
    if (bucket !== this.lastBucket || step >= this.total || t - this.lastLineAt >= this.intervalMs) {
      this.lastBucket = bucket;
      this.lastLineAt = t;
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
