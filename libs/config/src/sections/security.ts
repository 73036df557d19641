/**
 * Credentials, TLS and health: the security-owned keys, kept in their own sections so that other config work
 * (server lists, Sentinel) never edits the same lines. Secrets are read from the file or the environment and are
 * never logged (libs/observability redacts them).
 */
import { z } from 'zod';

const path = z.string().min(1).nullable().default(null);
const secret = z.string().min(1).nullable().default(null);

/** One of these, or none for a server without auth. The server's account decides what the user may publish. */
export const NatsAuthSection = z
  .object({
    /** User name; with `password`. */
    user: z.string().min(1).nullable().default(null),
    password: secret,
    /** A server token (`authorization { token }`); exclusive with user/password. */
    token: secret,
    /** File holding an NKey user seed (`SU...`); the seed itself stays out of the config. */
    nkey_seed_file: path,
    /** A `.creds` file (JWT + seed, from `nsc`). */
    creds_file: path,
  })
  .prefault({})
  .superRefine((a, ctx) => {
    const used = [a.user !== null || a.password !== null, a.token !== null, a.nkey_seed_file !== null, a.creds_file !== null];
    if (used.filter(Boolean).length > 1) {
      ctx.addIssue({ code: 'custom', message: 'choose one of user/password, token, nkey_seed_file, creds_file' });
    }
    if ((a.user === null) !== (a.password === null)) ctx.addIssue({ code: 'custom', message: 'user and password go together' });
  });
export type NatsAuth = z.infer<typeof NatsAuthSection>;

/** TLS to the server (`tls://` URLs, or a server that requires TLS). Files are PEM. */
const tlsObject = {
  /** CA bundle that signed the server's certificate; null: the system's CAs. */
  ca_file: path,
  /** Client certificate, for servers that verify clients (mutual TLS); with `key_file`. */
  cert_file: path,
  key_file: path,
};

export const NatsTlsSection = z
  .object({
    /** Use TLS even when the URL says `nats://`. @default false */
    enabled: z.boolean().default(false),
    ...tlsObject,
  })
  .prefault({})
  .superRefine(certPair);
export type NatsTls = z.infer<typeof NatsTlsSection>;

export const RedisAuthSection = z
  .object({
    /** ACL user (Redis 6+); null: the URL's user, else `default`. */
    username: z.string().min(1).nullable().default(null),
    /** Overrides the URL's password, so that the URL itself can be logged and kept in plain config. */
    password: secret,
  })
  .prefault({});
export type RedisAuth = z.infer<typeof RedisAuthSection>;

export const RedisTlsSection = z
  .object({
    /** Use TLS even when the URL says `redis://` (`rediss://` always does). @default false */
    enabled: z.boolean().default(false),
    ...tlsObject,
  })
  .prefault({})
  .superRefine(certPair);
export type RedisTls = z.infer<typeof RedisTlsSection>;

export const HealthSection = z
  .object({
    /** Address of the `/metrics`, `/healthz` and `/readyz` server (port `observability.metrics_port`). @default 127.0.0.1 */
    host: z.string().min(1).default('127.0.0.1'),
    /** A store ping slower than this counts as unreachable. @default 1000 */
    store_timeout_ms: z.number().int().min(10).default(1000),
    /** Connecting to NATS or Redis gives up after this long: a failed start, or a CLI error, never a hang. @default 5000 */
    connect_timeout_ms: z.number().int().min(100).default(5000),
  })
  .prefault({});
export type Health = z.infer<typeof HealthSection>;

function certPair(t: { cert_file: string | null; key_file: string | null }, ctx: z.RefinementCtx): void {
  if ((t.cert_file === null) !== (t.key_file === null)) ctx.addIssue({ code: 'custom', message: 'cert_file and key_file go together' });
}
