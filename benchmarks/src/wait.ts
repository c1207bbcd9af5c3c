/**
 * dawn.node busy-polls a CPU core while a mapAsync / onSubmittedWorkDone
 * promise is pending. On a CPU adapter (lavapipe) that core is one the
 * "GPU" would run on, so the harness sleeps for most of the expected GPU time
 * first and only then awaits. Both libraries get the same treatment.
 */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sleeps 80% of `expectMs` on CPU adapters (never on real GPUs, where the
 * wait is short). Callers pass a conservative estimate: oversleeping adds
 * straight to the measured time.
 */
export async function sleepForGpu(expectMs: number, isCPU: boolean): Promise<void> {
  // setTimeout is ~1 ms granular: below a few ms the poll costs less than a late wake-up.
  if (isCPU && expectMs > 4) await sleep(expectMs * 0.8);
}
