export { Module, parameter } from './module.js';
export { Linear, Embedding, LayerNorm, Dropout, type LayerOptions } from './layers.js';
