/**
 * Redis behind ACLs and TLS, NATS over mutual TLS, and no secret in any log line: private servers on loopback.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNatsTransport } from '@himari/bus';
import { loadConfig, natsSecurity, type ConfigInput } from '@himari/config';
import { busNames } from '@himari/contracts';
import { createStore, renderRedisAcl, StoreConnectError } from '@himari/pipeline';
import { makeSignal } from '@himari/signal-store/testing';
import { HIMARI_BIN, ROOT } from './support/env.ts';
import { freePort, haveServers, PrivateNats, PrivateRedis } from './support/servers.ts';
import { makePki, type TestPki } from './support/tls.ts';

const secret = `S3cret-${randomUUID()}`;
const password = (role: string): string => `${role}-${secret}`;
const names = busNames(`rsec${randomUUID().slice(0, 6)}`);

describe.skipIf(!haveServers)('Redis ACL users, least privilege', () => {
  let redis: PrivateRedis;
  const open = (over: ConfigInput['redis']) =>
    createStore(loadConfig({ overrides: { redis: { url: redis.url, ...over }, health: { connect_timeout_ms: 3_000 } } }), names);

  beforeAll(async () => {
    const port = await freePort();
    redis = new PrivateRedis(port);
    const acl = join(redis.dir, 'users.acl');
    writeFileSync(acl, renderRedisAcl({ busPrefix: names.prefix, password: (r) => `>${password(r)}` }));
    (redis as unknown as { extra: string[] }).extra.push('--aclfile', acl);
    await redis.start();
  }, 30_000);
  afterAll(async () => redis?.dispose());

  it('lets the cache writer write llm:* and readers only read', async () => {
    const writer = open({ auth: { username: 'cache-writer', password: password('cache-writer') } });
    await writer.ready();
    expect((await writer.apply(makeSignal({ id: 'acl-1', asset: 'AAPL' }))).applied).toBe(true);
    const reader = open({ auth: { username: 'reader', password: password('reader') } });
    await reader.ready();
    expect((await reader.latest('AAPL'))?.id).toBe('acl-1');
    expect((await reader.snapshot('AAPL')).latest).not.toBeNull();
    // The apply script's SET runs with the reader's rights: refused inside the script.
    await expect(reader.apply(makeSignal({ id: 'acl-2', asset: 'AAPL' }))).rejects.toThrow(/NOPERM|can't run this command/);
    await expect(reader.setRegime('calm')).rejects.toThrow(/NOPERM/);
    const ingestor = open({ auth: { username: 'ingestor', password: password('ingestor') } });
    await ingestor.ready();
    expect(await ingestor.claimNewsId('n-1', 'm-1')).toBe('new');
    await expect(ingestor.apply(makeSignal({ id: 'acl-3', asset: 'AAPL' }))).rejects.toThrow(/NOPERM|can't run this command/);
    for (const s of [writer, reader, ingestor]) await s.close();
  });

  it('refuses a client without credentials or with a wrong password at start', async () => {
    const anon = open({});
    await expect(anon.ready()).rejects.toThrow(StoreConnectError);
    await anon.close();
    const wrong = open({ auth: { username: 'cache-writer', password: 'nope-nope' } });
    await expect(wrong.ready()).rejects.toThrow(/WRONGPASS/);
    await wrong.close();
  });

  it('a served actor with a wrong password fails its start with a non-zero exit, and no log line holds a secret', async () => {
    const child = spawn(process.execPath, [HIMARI_BIN, 'serve', 'cache-writer'], {
      cwd: ROOT,
      env: {
        ...process.env,
        HIMARI_LOG_LEVEL: 'debug',
        HIMARI_REDIS_URL: `redis://cache-writer:${encodeURIComponent(secret)}@127.0.0.1:${redis.port}`,
        HIMARI_NATS_URL: `nats://u:${secret}@127.0.0.1:1`,
        HIMARI_NATS_PREFIX: names.prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(out).toMatch(/cannot connect/);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
  }, 30_000);
});

describe.skipIf(!haveServers)('NATS NKey and token authentication from the config', () => {
  it('an NKey seed file connects as its user; a token connects; wrong ones are refused', async () => {
    const kp = nkeys.createUser();
    const other = nkeys.createUser();
    const token = `tok-${randomUUID()}`;
    const [p1, p2] = [await freePort(), await freePort()];
    const byNkey = new PrivateNats(
      p1,
      (sd) => `jetstream { store_dir: ${JSON.stringify(sd)} }\nauthorization { users: [{ nkey: ${kp.getPublicKey()} }] }`,
    );
    const byToken = new PrivateNats(
      p2,
      (sd) => `jetstream { store_dir: ${JSON.stringify(sd)} }\nauthorization { token: ${JSON.stringify(token)} }`,
    );
    await Promise.all([byNkey.start(), byToken.start()]);
    try {
      const seedFile = join(byNkey.dir, 'user.nk');
      writeFileSync(seedFile, `${new TextDecoder().decode(kp.getSeed())}\n`);
      const wrongSeed = join(byNkey.dir, 'other.nk');
      writeFileSync(wrongSeed, new TextDecoder().decode(other.getSeed()));
      const open = (url: string, over: ConfigInput['nats']) => {
        const config = loadConfig({ overrides: { nats: { url, ...over }, health: { connect_timeout_ms: 2_000 } } });
        return connectNatsTransport({ url, names, duplicateWindowMs: 60_000, maxAgeMs: 3_600_000, security: natsSecurity(config) });
      };
      const a = await open(byNkey.url, { auth: { nkey_seed_file: seedFile } });
      await a.ensureStream();
      await a.close();
      await expect(open(byNkey.url, { auth: { nkey_seed_file: wrongSeed } })).rejects.toThrow(/AUTHORIZATION_VIOLATION/);
      const b = await open(byToken.url, { auth: { token } });
      await b.ensureStream();
      await b.close();
      await expect(open(byToken.url, { auth: { token: 'wrong-token' } })).rejects.toThrow(/AUTHORIZATION_VIOLATION/);
    } finally {
      await Promise.all([byNkey.dispose(), byToken.dispose()]);
    }
  }, 30_000);
});

describe.skipIf(!haveServers || !existsSync('/usr/bin/openssl'))('TLS with client certificates', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makePki();
  });

  it('Redis: rediss:// with the CA and a client certificate connects; without the certificate it is refused', async () => {
    const port = await freePort();
    const redis = new PrivateRedis(port, [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      pki.serverCert,
      '--tls-key-file',
      pki.serverKey,
      '--tls-ca-cert-file',
      pki.ca,
      '--tls-auth-clients',
      'yes',
    ]);
    await redis.start();
    try {
      const url = `rediss://127.0.0.1:${port}`;
      const ok = createStore(
        loadConfig({ overrides: { redis: { url, tls: { ca_file: pki.ca, cert_file: pki.clientCert, key_file: pki.clientKey } } } }),
        names,
      );
      await ok.ready();
      await ok.ping(1_000);
      await ok.close();
      const noCert = createStore(
        loadConfig({ overrides: { redis: { url, tls: { ca_file: pki.ca } }, health: { connect_timeout_ms: 2_000 } } }),
        names,
      );
      await expect(noCert.ready()).rejects.toThrow(StoreConnectError);
      await noCert.close();
    } finally {
      await redis.dispose();
    }
  }, 30_000);

  it('NATS: mutual TLS from the config connects; a client without a certificate is refused', async () => {
    const port = await freePort();
    const nats = new PrivateNats(port, (storeDir) =>
      [
        `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
        `tls { cert_file: ${JSON.stringify(pki.serverCert)}, key_file: ${JSON.stringify(pki.serverKey)}, ca_file: ${JSON.stringify(pki.ca)}, verify: true }`,
      ].join('\n'),
    );
    await nats.start();
    try {
      const config = loadConfig({
        overrides: {
          nats: { url: `tls://127.0.0.1:${port}`, tls: { ca_file: pki.ca, cert_file: pki.clientCert, key_file: pki.clientKey } },
        },
      });
      const t = await connectNatsTransport({
        url: config.nats.url!,
        names,
        duplicateWindowMs: 60_000,
        maxAgeMs: 3_600_000,
        security: natsSecurity(config),
      });
      await t.ensureStream();
      await t.close();
      await expect(
        connectNatsTransport({
          url: `tls://127.0.0.1:${port}`,
          names,
          duplicateWindowMs: 60_000,
          maxAgeMs: 3_600_000,
          security: { tls: { caFile: pki.ca }, connectTimeoutMs: 2_000 },
        }),
      ).rejects.toThrow(/cannot connect to NATS/);
    } finally {
      await nats.dispose();
    }
  }, 30_000);
});
