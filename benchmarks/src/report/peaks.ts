/**
 * Published f32 peaks (non-tensor-core FMA throughput) for cards the suite
 * has run on, so matmul rows can be read against what the card can do.
 * Matched on the adapter's device string (Dawn: "nvidia-h100-80gb-hbm3").
 * CPU adapters have no entry: their peak depends on the host's cores and
 * clocks, which the adapter does not report.
 */
import type { AdapterDescription } from '@bamgpu/core';

export interface Peak {
  /** GFLOP/s, f32 FMA counted as two operations. */
  gflops: number;
  /** The product the figure belongs to and where it is published. */
  source: string;
}

const PEAKS: ReadonlyArray<{ match: RegExp; peak: Peak }> = [
  // HBM3 with 80 GB is the SXM5 board; the PCIe board has HBM2e.
  { match: /h100.*(hbm3|sxm)/i, peak: { gflops: 66_900, source: 'H100 SXM5, NVIDIA H100 datasheet (FP32 67 TFLOPS)' } },
  { match: /h100.*pcie/i, peak: { gflops: 51_200, source: 'H100 PCIe, NVIDIA H100 datasheet (FP32 51 TFLOPS)' } },
  { match: /h200/i, peak: { gflops: 66_900, source: 'H200 SXM, NVIDIA H200 datasheet (FP32 67 TFLOPS)' } },
  { match: /a100/i, peak: { gflops: 19_500, source: 'A100, NVIDIA A100 datasheet (FP32 19.5 TFLOPS)' } },
];

export function f32Peak(a: Pick<AdapterDescription, 'device' | 'description'>): Peak | null {
  const name = `${a.device} ${a.description}`;
  return PEAKS.find((p) => p.match.test(name))?.peak ?? null;
}
