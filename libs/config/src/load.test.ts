import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

describe('loadConfig', () => {
  it('has defaults that run: embedded transport and store, design TTL, alpha and history', () => {
    const c = loadConfig();
    expect(c.nats.url).toBeNull();
    expect(c.redis.url).toBeNull();
    expect(c.redis.signal_ttl_s).toBe(300);
    expect(c.redis.ewma_alpha).toBe(0.3);
    expect(c.redis.history_length).toBe(10);
    expect(c.features.offset).toBe(55);
  });

  it('layers file < env < overrides, reading the design-style `himari:` root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'himari-cfg-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'himari:\n  redis:\n    signal_ttl_s: 120\n    url: redis://file\n  nats:\n    prefix: fromfile\n');
    const c = loadConfig({
      file,
      env: {
        HIMARI_REDIS_URL: 'redis://env',
        HIMARI_CONCURRENCY: '3',
        HIMARI_LEDGER_PATH: '/var/lib/himari/ledger.sqlite',
        HIMARI_RAG_DIR: '2024',
      },
      overrides: { nats: { prefix: 'flag' } },
    });
    expect(c.redis.signal_ttl_s).toBe(120);
    expect(c.redis.url).toBe('redis://env');
    expect(c.nats.prefix).toBe('flag');
    expect(c.actors.concurrency).toBe(3);
    expect(c.calibration.ledger_path).toBe('/var/lib/himari/ledger.sqlite');
    // A folder named with digits stays a path.
    expect(c.rag.dir).toBe('2024');
  });

  it('names every invalid key', () => {
    expect(() => loadConfig({ overrides: { redis: { ewma_alpha: 2 }, actors: { concurrency: 0 } } })).toThrowError(
      /redis\.ewma_alpha[\s\S]*actors\.concurrency|actors\.concurrency[\s\S]*redis\.ewma_alpha/,
    );
    expect(() => loadConfig({ file: '/nonexistent/x.yaml' })).toThrow(ConfigError);
  });

  it('keeps the file system or YAML error as the cause', () => {
    const missing = (() => {
      try {
        return loadConfig({ file: '/nonexistent/x.yaml' });
      } catch (err) {
        return err as ConfigError;
      }
    })() as ConfigError;
    expect(missing.message).toMatch(/cannot read config file \/nonexistent\/x\.yaml: ENOENT/);
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    const file = join(mkdtempSync(join(tmpdir(), 'himari-cfg-')), 'bad.yaml');
    writeFileSync(file, 'redis: [unclosed\n');
    expect(() => loadConfig({ file })).toThrow(expect.objectContaining({ name: 'ConfigError', cause: expect.any(Error) }));
  });
});

describe('strict keys', () => {
  it('refuses an unknown key, naming it and the nearest valid one', () => {
    expect(() => loadConfig({ overrides: { actors: { concurency: 4 } } as never })).toThrowError(
      /actors\.concurency: unknown key \(did you mean actors\.concurrency\?\)/,
    );
    expect(() => loadConfig({ overrides: { nats: { tls: { ca: 'x' } } } as never })).toThrowError(
      /nats\.tls\.ca: unknown key \(did you mean nats\.tls\.ca_file\?\)/,
    );
    expect(() => loadConfig({ overrides: { zzzzzzzzzz: 1 } as never })).toThrowError(/zzzzzzzzzz: unknown key$/m);
  });

  it('reads credentials from the environment as strings, even all-digit ones', () => {
    const c = loadConfig({ env: { HIMARI_NATS_USER: 'ingestor', HIMARI_NATS_PASSWORD: '123456', HIMARI_REDIS_PASSWORD: '42' } });
    expect(c.nats.auth.user).toBe('ingestor');
    expect(c.nats.auth.password).toBe('123456');
    expect(c.redis.auth.password).toBe('42');
  });

  it('refuses two NATS auth methods at once and half a client certificate', () => {
    expect(() => loadConfig({ overrides: { nats: { auth: { token: 't', creds_file: '/x.creds' } } } })).toThrowError(/choose one/);
    expect(() => loadConfig({ overrides: { redis: { tls: { cert_file: '/c.pem' } } } })).toThrowError(/go together/);
  });
});
