import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config, type ConfigInput } from './schema.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Environment variables that override the file; the one place their names are listed. */
export const ENV_KEYS = {
  HIMARI_NATS_URL: 'nats.url',
  HIMARI_NATS_PREFIX: 'nats.prefix',
  HIMARI_REDIS_URL: 'redis.url',
  HIMARI_REDIS_KEY_PREFIX: 'redis.key_prefix',
  HIMARI_LOG_LEVEL: 'observability.log_level',
  HIMARI_METRICS_PORT: 'observability.metrics_port',
  HIMARI_CONCURRENCY: 'actors.concurrency',
  /** Where the stateful actors keep their files (a container's volume). */
  HIMARI_LEDGER_PATH: 'calibration.ledger_path',
  HIMARI_RAG_DIR: 'rag.dir',
  HIMARI_COT_DB_PATH: 'llm.cot.db_path',
  /** The shared data folder for train/eval/bench (`data.shared_dir`). */
  HIMARI_DATA_DIR: 'data.shared_dir',
} as const;

export interface LoadOptions {
  /** YAML or JSON file; its top-level key may be `himari` (as in the design) or the keys themselves. */
  file?: string | undefined;
  /** The process environment, passed in by the app: libraries never read `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Highest precedence, e.g. CLI flags. */
  overrides?: ConfigInput;
}

/** defaults < file < environment < overrides. Throws ConfigError naming every invalid key. */
export function loadConfig(opts: LoadOptions = {}): Config {
  let merged: Record<string, unknown> = {};
  if (opts.file) merged = deepMerge(merged, readConfigFile(opts.file));
  if (opts.env) merged = deepMerge(merged, envToInput(opts.env));
  if (opts.overrides) merged = deepMerge(merged, opts.overrides as Record<string, unknown>);
  return parseConfig(merged);
}

export function parseConfig(input: unknown): Config {
  const result = ConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc == null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file ${file} must hold a mapping`);
  const obj = doc as Record<string, unknown>;
  const inner = obj['himari'];
  return (inner && typeof inner === 'object' ? inner : obj) as Record<string, unknown>;
}

function envToInput(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    // Counts and ports are numbers; names, URLs and file paths stay strings even when they are all digits.
    const value = /^\d+$/.test(raw) && !/(url|prefix|path|dir)$/.test(path) ? Number(raw) : raw;
    out = deepMerge(out, pathToObject(path, value));
  }
  return out;
}

function pathToObject(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}
