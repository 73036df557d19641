import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const NATS_URL = 'nats://127.0.0.1:4222';
export const REDIS_URL = 'redis://127.0.0.1:6379';
export const ROOT = resolve(import.meta.dirname, '../..');
export const HIMARI_BIN = join(ROOT, 'apps/cli/bin/himari.mjs');

/** A bus prefix and a Redis key prefix that no other test uses. */
export function uniquePrefixes(): { bus: string; keys: string } {
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  return { bus: `t${id}`, keys: `t${id}:llm` };
}

/** Writes a YAML config for spawned processes (short ack wait so a killed actor's work comes back fast). */
export function writeConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'himari-test-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

export { waitFor } from '@himari/bus/testing';
