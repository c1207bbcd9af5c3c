import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSubmission, submissionSplit, type SubmissionRow } from './submission.js';
import type { GlueTaskSpec } from './task-spec.js';

/**
 * Writes a task's leaderboard submission file (e.g. `MNLI-m.tsv`) into
 * `outDir`, creating the folder if needed, and returns its path (Node only).
 * The text goes to a temporary file in the same folder first and is then
 * renamed over the target, so a crash never leaves a half-written file that
 * could be zipped up and submitted.
 */
export async function writeSubmission(
  outDir: string,
  task: GlueTaskSpec | string,
  split: string,
  rows: readonly SubmissionRow[],
): Promise<string> {
  // Format first: bad predictions fail before anything touches the disk.
  const text = formatSubmission(task, split, rows);
  const target = join(outDir, submissionSplit(task, split).submissionFile);
  await mkdir(outDir, { recursive: true });
  // Same folder as the target, so the rename stays on one filesystem and is atomic.
  const temp = `${target}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return target;
}
