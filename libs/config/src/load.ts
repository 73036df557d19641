import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
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
  /** Credentials come from the environment (a secret store) rather than a file in the image. */
  HIMARI_NATS_USER: 'nats.auth.user',
  HIMARI_NATS_PASSWORD: 'nats.auth.password',
  HIMARI_NATS_TOKEN: 'nats.auth.token',
  HIMARI_NATS_NKEY_SEED_FILE: 'nats.auth.nkey_seed_file',
  HIMARI_NATS_CREDS_FILE: 'nats.auth.creds_file',
  HIMARI_NATS_TLS_CA_FILE: 'nats.tls.ca_file',
  HIMARI_NATS_TLS_CERT_FILE: 'nats.tls.cert_file',
  HIMARI_NATS_TLS_KEY_FILE: 'nats.tls.key_file',
  HIMARI_REDIS_USERNAME: 'redis.auth.username',
  HIMARI_REDIS_PASSWORD: 'redis.auth.password',
  HIMARI_REDIS_TLS_CA_FILE: 'redis.tls.ca_file',
  HIMARI_REDIS_TLS_CERT_FILE: 'redis.tls.cert_file',
  HIMARI_REDIS_TLS_KEY_FILE: 'redis.tls.key_file',
  HIMARI_HEALTH_HOST: 'health.host',
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
  const unknown = unknownKeys(ConfigSchema, input ?? {}, []);
  if (unknown.length > 0) {
    throw new ConfigError(`invalid configuration:\n${unknown.map((u) => `  ${u}`).join('\n')}`);
  }
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
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`, { cause: err });
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
    const value = /^\d+$/.test(raw) && !/(url|prefix|path|dir|file|user|username|password|token|host)$/.test(path) ? Number(raw) : raw;
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

/**
 * A misspelt key (`concurency`) would otherwise be dropped by the schema and its default used without a word:
 * every key the schema does not know is named, with the nearest one it does.
 */
function unknownKeys(schema: z.ZodType, value: unknown, path: string[]): string[] {
  const obj = objectShape(schema);
  if (!obj || !isPlainObject(value)) return [];
  const out: string[] = [];
  const valid = Object.keys(obj);
  for (const [k, v] of Object.entries(value)) {
    const child = obj[k];
    if (child === undefined) {
      const near = nearest(k, valid);
      const where = [...path, k].join('.');
      out.push(`${where}: unknown key${near ? ` (did you mean ${[...path, near].join('.')}?)` : ''}`);
      continue;
    }
    out.push(...unknownKeys(child, v, [...path, k]));
  }
  return out;
}

interface ZodDefView {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

/** The object shape under default/prefault/optional/nullable/pipe wrappers, or undefined for a leaf. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 16; i++) {
    const def: ZodDefView = (s as unknown as { _zod: { def: ZodDefView } })._zod.def;
    if (def.type === 'object') return def.shape;
    s = def.innerType ?? def.in;
  }
  return undefined;
}

function nearest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const [k, v] = [key.toLowerCase(), c.toLowerCase()];
    // A shortened key (`ca` for `ca_file`) is as likely as a typo.
    const d = v.startsWith(k) || k.startsWith(v) ? 1 : editDistance(k, v);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  // Only a plausible typo: half the key's length at most.
  return bestD <= Math.max(2, Math.ceil(key.length / 2)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
