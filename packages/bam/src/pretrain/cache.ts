import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A pre-trained encoder is a pure function of its settings (corpus, model
 * shape, schedule, seed), so it is stored under a hash of them and reused
 * by any later run that asks for the same. A folder counts as done only
 * once its model/config.json exists (written last by save), so an
 * interrupted pre-training is resumed from its checkpoint instead.
 */
export function pretrainCacheDir(cacheRoot: string, settings: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
  return join(cacheRoot, `pretrained-${hash}`);
}

export async function cachedModelReady(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'model', 'config.json'))).isFile();
  } catch {
    return false;
  }
}
