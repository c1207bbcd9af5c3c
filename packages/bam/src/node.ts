/** Node-side parts of @bamgpu/bam: file IO, the CLI's building blocks. */
export * from './index.js';
export * from './glue/node.js';
export * from './synthetic/write-node.js';
export * from './pretrain/node.js';
// The demo's recipes and data, so that a step can be set up as the demo's pre-training runs it.
export { DEMO_RECIPE, QUICK_RECIPE, type DemoRecipe } from './experiment/demo-recipe.js';
export { demoCorpus, demoData, demoPretraining } from './experiment/demo-pipeline.js';
