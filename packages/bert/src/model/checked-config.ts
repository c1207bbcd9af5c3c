import { bertConfigToJson, parseBertConfig, type BertConfig } from '../config.js';

/**
 * Re-validates a config object (one built by hand rather than by
 * parseBertConfig/bertConfig could break an invariant, e.g. hidden size not
 * divisible by the heads) before a model is built from it.
 */
export function checkedConfig(config: BertConfig): BertConfig {
  return parseBertConfig(bertConfigToJson(config), 'config');
}
