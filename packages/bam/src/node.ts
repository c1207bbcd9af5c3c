/** Node-side parts of @bamgpu/bam: file IO, the CLI's building blocks. */
export * from './index.js';
export * from './glue/node.js';
export * from './synthetic/write-node.js';
