/** Test helpers: tiny models in temporary folders, removed by `cleanup`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyBert, type TinyBertOptions, type TinyBertResult } from './make.ts';

export interface TinyModels {
  /** Writes a model into a fresh sub-folder named `name`. */
  make(name: string, opts?: Omit<TinyBertOptions, 'out'>): TinyBertResult;
  root: string;
  cleanup(): void;
}

export function tinyModels(prefix = 'himari-tiny-bert-'): TinyModels {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    make: (name, opts = {}) => writeTinyBert({ ...opts, out: join(root, name) }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
