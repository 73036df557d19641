/**
 * Runtime and offline code stay apart: from a lib's runtime entry (`src/index.ts`) no import chain reaches the files
 * its `./offline` entry exists for (training, evaluation, replay, benchmarks), nor any `@himari/x/offline` entry.
 * Static: follows relative imports and `@himari/x` / `@himari/x/offline` specifiers, skipping `import type`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SPEC_RE = /^(?!import type|export type)(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|^import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;

function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPEC_RE)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

function resolveSpec(from: string, spec: string): string | null {
  if (spec.startsWith('.')) return resolve(dirname(from), spec);
  const m = /^@himari\/([^/]+)(?:\/(offline))?$/.exec(spec);
  if (!m) return null;
  const file = join(ROOT, 'libs', m[1] as string, 'src', m[2] ? 'offline.ts' : 'index.ts');
  return existsSync(file) ? file : null;
}

/** Every file an entry loads, and the `/offline` specifiers met on the way. */
function reach(entry: string): { files: Set<string>; offlineSpecs: string[] } {
  const files = new Set<string>();
  const offlineSpecs: string[] = [];
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop() as string;
    if (files.has(f)) continue;
    files.add(f);
    for (const spec of specifiers(f)) {
      if (/^@himari\/[^/]+\/offline$/.test(spec)) offlineSpecs.push(`${relative(ROOT, f)} -> ${spec}`);
      const target = resolveSpec(f, spec);
      if (target) todo.push(target);
    }
  }
  return { files, offlineSpecs };
}

const libsWithOffline = readdirSync(join(ROOT, 'libs')).filter((lib) => existsSync(join(ROOT, 'libs', lib, 'src', 'offline.ts')));

describe('runtime entries never load offline code', () => {
  it('covers the libs that hold offline code', () => {
    expect(libsWithOffline.sort()).toEqual(['cot', 'embeddings', 'event-classification', 'retrieval', 'sentiment-model']);
  });

  it.each(libsWithOffline)('%s: index.ts reaches none of the files only offline.ts exports', (lib) => {
    const offline = join(ROOT, 'libs', lib, 'src', 'offline.ts');
    const index = join(ROOT, 'libs', lib, 'src', 'index.ts');
    const own = (entry: string): string[] =>
      specifiers(entry)
        .map((s) => resolveSpec(entry, s))
        .filter((f): f is string => f !== null && dirname(f) === dirname(entry));
    // Errors and paths may be exported by both entries; the rest of offline.ts is what the runtime must not load.
    const runtime = new Set(own(index));
    const offlineOnly = own(offline).filter((f) => !runtime.has(f));
    expect(offlineOnly.length).toBeGreaterThan(0);
    const { files, offlineSpecs } = reach(index);
    expect(offlineSpecs).toEqual([]);
    expect(offlineOnly.filter((f) => files.has(f)).map((f) => relative(ROOT, f))).toEqual([]);
  });
});
