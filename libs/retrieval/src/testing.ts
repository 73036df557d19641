/** Helpers for tests of J3 and of actors that talk to it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema, type Config, type ConfigInput } from '@himari/config';

/** A rag config section with test-friendly overrides (e.g. a tiny approximate_after). */
export function ragConfig(overrides: NonNullable<ConfigInput['rag']> = {}): Config['rag'] {
  return ConfigSchema.parse({ rag: overrides }).rag;
}

export function tempDir(prefix = 'himari-rag-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
