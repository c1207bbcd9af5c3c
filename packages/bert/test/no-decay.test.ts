// BERT's weight-decay exclusions, which every BERT trainer passes to core's
// AdamW as `noDecay`: biases and LayerNorm weights, nothing else.
import { expect, test } from 'vitest';
import { BERT_NO_DECAY } from '../src/index.js';

test('BERT_NO_DECAY excludes biases and LayerNorm parameters only', () => {
  for (const name of [
    'bert.embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.bias',
    'bert.encoder.layer.0.attention.self.query.bias', 'bert.encoder.layer.11.output.LayerNorm.weight',
    'bert.pooler.dense.bias', 'heads.rte.bias', 'cls.predictions.bias', 'encoder.layer_norm.weight', 'bias',
  ]) expect(BERT_NO_DECAY(name), name).toBe(true);
  for (const name of [
    'bert.embeddings.word_embeddings.weight', 'bert.embeddings.position_embeddings.weight',
    'bert.encoder.layer.0.attention.self.query.weight', 'bert.encoder.layer.0.intermediate.dense.weight',
    'bert.pooler.dense.weight', 'heads.rte.weight', 'cls.predictions.transform.dense.weight', 'biased.weight',
  ]) expect(BERT_NO_DECAY(name), name).toBe(false);
});
