/** Helpers for tests that read the shared data folder (and skip when it is absent). */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './load.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A path in the shared data folder as the CLI finds it: config `data.shared_dir` (env HIMARI_DATA_DIR, read here
 * because a test is the process's entry point), relative to the repo root.
 */
export function sharedDataPath(...rel: string[]): string {
  return resolve(REPO, loadConfig({ env: process.env }).data.shared_dir, ...rel);
}
