/**
 * @bamgpu/bam — Born-Again Multi-Task networks (Clark et al., ACL 2019) on
 * WebGPU. Browser-safe parts; file IO and the CLI live in "./node".
 */
export type { Example } from './data/example.js';
export * from './glue/index.js';
export * from './synthetic/index.js';
