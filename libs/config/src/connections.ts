/**
 * Connection settings derived from the config, as plain values every client maker can use (ioredis, nats.js).
 * Kept here so that credentials are read in one place and `secretsOf` can list each of them for redaction.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Config } from './schema.ts';
import { ConfigError } from './load.ts';

/** What `new Redis(options)` takes (ioredis `RedisOptions`, structurally): the URL's parts with `redis.auth`/`redis.tls` applied. */
export interface RedisConnectOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string };
  connectTimeout: number;
}

/**
 * ioredis lets a URL's parts win over an options object, so the URL is taken apart here and the config's
 * `redis.auth` and `redis.tls` applied on top: the URL can then carry no password at all.
 */
export function redisOptions(config: Config): RedisConnectOptions {
  const raw = config.redis.url;
  if (raw === null) throw new ConfigError('redis.url is null: there is no Redis to connect to');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`redis.url is not a URL: ${JSON.stringify(redactUrlText(raw))}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`redis.url must start with redis:// or rediss://, got ${url.protocol}//`);
  }
  const { auth, tls } = config.redis;
  const dbPath = url.pathname.replace(/^\//, '');
  const out: RedisConnectOptions = {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db: dbPath ? Number(dbPath) : 0,
    connectTimeout: config.health.connect_timeout_ms,
  };
  if (!Number.isInteger(out.db) || out.db < 0) throw new ConfigError(`redis.url: database ${JSON.stringify(dbPath)} is not a number`);
  const username = auth.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = auth.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  if (url.protocol === 'rediss:' || tls.enabled || tls.ca_file !== null || tls.cert_file !== null) {
    out.tls = {
      ...(tls.ca_file !== null ? { ca: readPem(tls.ca_file, 'redis.tls.ca_file') } : {}),
      ...(tls.cert_file !== null ? { cert: readPem(tls.cert_file, 'redis.tls.cert_file') } : {}),
      ...(tls.key_file !== null ? { key: readPem(tls.key_file, 'redis.tls.key_file') } : {}),
      // SNI takes host names only (an IP there is a deprecation warning and ignored).
      ...(isIP(out.host) ? {} : { servername: out.host }),
    };
  }
  return out;
}

/** Plain NATS credentials and TLS files (libs/bus turns them into nats.js options and authenticators). */
export interface NatsSecurity {
  user?: string;
  pass?: string;
  token?: string;
  /** Contents of the NKey seed file. */
  nkeySeed?: Uint8Array;
  /** Contents of the `.creds` file. */
  creds?: Uint8Array;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  connectTimeoutMs: number;
}

export function natsSecurity(config: Config): NatsSecurity {
  const { auth, tls } = config.nats;
  const out: NatsSecurity = { connectTimeoutMs: config.health.connect_timeout_ms };
  if (auth.user !== null) out.user = auth.user;
  if (auth.password !== null) out.pass = auth.password;
  if (auth.token !== null) out.token = auth.token;
  if (auth.nkey_seed_file !== null) out.nkeySeed = readBytes(auth.nkey_seed_file, 'nats.auth.nkey_seed_file');
  if (auth.creds_file !== null) out.creds = readBytes(auth.creds_file, 'nats.auth.creds_file');
  if (tls.enabled || tls.ca_file !== null || tls.cert_file !== null) {
    out.tls = {
      ...(tls.ca_file !== null ? { caFile: existing(tls.ca_file, 'nats.tls.ca_file') } : {}),
      ...(tls.cert_file !== null ? { certFile: existing(tls.cert_file, 'nats.tls.cert_file') } : {}),
      ...(tls.key_file !== null ? { keyFile: existing(tls.key_file, 'nats.tls.key_file') } : {}),
    };
  }
  return out;
}

/**
 * Every secret value the config holds (passwords, tokens, URL passwords, seeds): what the logger must never print.
 * File contents are included, so that a seed echoed by an error is caught too.
 */
export function secretsOf(config: Config): string[] {
  const out = [config.nats.auth.password, config.nats.auth.token, config.redis.auth.password];
  for (const u of [config.nats.url, config.redis.url]) {
    if (u === null) continue;
    try {
      for (const part of u.split(',')) {
        const p = new URL(part.trim()).password;
        if (p) out.push(p, decodeURIComponent(p));
      }
    } catch {
      // Not a URL: nothing to take out; the URL redactor still masks a user:pass@ shape.
    }
  }
  for (const f of [config.nats.auth.nkey_seed_file, config.nats.auth.creds_file]) {
    if (f === null) continue;
    try {
      const text = readFileSync(f, 'utf8');
      // Seeds and JWTs: any long base32/base64url run in the file.
      out.push(...(text.match(/[A-Za-z0-9_\-.=]{24,}/g) ?? []));
    } catch {
      // Unreadable: natsSecurity reports it; nothing of it can be logged.
    }
  }
  return [...new Set(out.filter((s): s is string => typeof s === 'string' && s.length >= 3))];
}

/** `scheme://user:secret@host` → `scheme://user:***@host`, anywhere in a text. */
export function redactUrlText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"]*):([^\s/@'"]*)@/gi, '$1$2:***@');
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${key}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

function readBytes(file: string, key: string): Uint8Array {
  return new Uint8Array(readPem(file, key));
}

function existing(file: string, key: string): string {
  readPem(file, key);
  return file;
}
