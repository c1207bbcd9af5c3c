/**
 * What the page sends the runner (POST /event, one JSON object each). The
 * runner (lib/*.mjs, plain JS) reads the same shapes; keep the two in step.
 */
export type Status = 'pass' | 'fail' | 'skip';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isCPU: boolean;
  features: string[];
  userAgent: string;
}

export type PageEvent =
  /** The bundle loaded and started. */
  | { type: 'hello'; userAgent: string }
  | { type: 'adapter'; adapter: AdapterReport }
  /** `total` tests will run; `filteredOut` were left out by --grep. */
  | { type: 'plan'; total: number; filteredOut: number }
  /** Sent before each test, so a hang can be pinned on the test that was running. */
  | { type: 'begin'; name: string }
  | { type: 'result'; name: string; status: Status; ms: number; error?: string; reason?: string; note?: string }
  | { type: 'log'; message: string }
  | { type: 'done' }
  /** Something outside any test broke (init failed, an uncaught error). */
  | { type: 'fatal'; message: string };

export async function post(event: PageEvent): Promise<void> {
  await fetch('/event', { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } });
}
