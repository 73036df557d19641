/**
 * The bus behind closed doors: a private nats-server started with the deployment's rendered accounts and per-actor
 * permissions (deploy/nats/himari.conf comes from the same table). The whole pipeline runs with one user per
 * actor; publishing outside a right is refused by the server; a client without credentials cannot connect at all.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNatsTransport, type NatsTransport, type TapMessage } from '@himari/bus';
import { loadConfig, natsSecurity, type Config } from '@himari/config';
import { busNames, decodeAs, encode, STAGES, Topic, TradingSignal } from '@himari/contracts';
import { silentLogger } from '@himari/observability';
import { createScorer, createStore, createTransport, renderNatsServerConfig, startActors, type RunningActors } from '@himari/pipeline';
import { makeSignal } from '@himari/signal-store/testing';
import { waitFor } from './support/env.ts';
import { freePort, haveServers, PrivateNats } from './support/servers.ts';

const N = 20;
const prefix = `sec${randomUUID().slice(0, 6)}`;
const names = busNames(prefix);
const secret = randomUUID();
const password = (user: string): string => `${user}-${secret}`;

describe.skipIf(!haveServers)('NATS accounts and per-actor permissions', () => {
  let server: PrivateNats;
  let base: Config;
  const running: RunningActors[] = [];
  const transports: NatsTransport[] = [];
  const store = createStore(loadConfig(), names);

  const as = async (user: string, pw = password(user)): Promise<NatsTransport> => {
    const t = await connectNatsTransport({
      url: server.url,
      names,
      duplicateWindowMs: 60_000,
      maxAgeMs: 3_600_000,
      name: `test-${user}`,
      security: { user, pass: pw, connectTimeoutMs: 3_000 },
    });
    transports.push(t);
    return t;
  };

  beforeAll(async () => {
    const port = await freePort();
    server = new PrivateNats(port, (storeDir) => renderNatsServerConfig({ prefix, port, storeDir, password }));
    await server.start();
    base = loadConfig({ overrides: { nats: { url: server.url, prefix }, actors: { retry: { ack_wait_ms: 5_000 } } } });
    const log = silentLogger();
    const scorer = await createScorer(base, log, STAGES);
    // Every actor on its own connection, as its own user: exactly what `himari serve ACTOR` does in a deployment.
    for (const stage of STAGES) {
      const config = loadConfig({
        overrides: {
          nats: { url: server.url, prefix, auth: { user: stage, password: password(stage) } },
          actors: { retry: { ack_wait_ms: 5_000 } },
        },
      });
      const transport = (await createTransport(config, names, `himari-${stage}`)) as NatsTransport;
      transports.push(transport);
      running.push(await startActors([stage], { config, names, store, scorer, log, clock: Date.now, transport }, transport));
    }
  }, 60_000);

  afterAll(async () => {
    for (const r of running) await r.stop();
    for (const t of transports) await t.close().catch(() => undefined);
    await store.close();
    await server?.dispose();
  }, 60_000);

  it('carries news to stored signals with each actor limited to its own subjects', async () => {
    const producer = await as('producer');
    const reader = await as('reader');
    const stored = new Set<string>();
    const sub = await reader.tap(names.subject(Topic.signalStored), (m: TapMessage) => stored.add(decodeAs(TradingSignal, m.data).id));
    for (let i = 0; i < N; i++) {
      const line = JSON.stringify({ id: `sec-${i}`, text: `Apple shares rise ${i}% after record iPhone sales`, asset: 'AAPL' });
      await producer.publish(names.subject(Topic.newsRaw), Buffer.from(line), { msgId: `raw-${i}` });
    }
    await waitFor(() => stored.size === N, 60_000, { message: `all ${N} signals stored` });
    await sub.drain();
  }, 90_000);

  it('refuses a forged signal from any user without the right, and the store never sees it', async () => {
    const forged = encode(makeSignal({ id: 'forged-1', asset: 'FORGE', sentiment: 1, confidence: 0.9999 }));
    for (const user of ['ingestor', 'producer', 'reader', 'feature-injector']) {
      const t = await as(user);
      await expect(t.publish(names.subject(Topic.signalCalibrated), forged, { msgId: `forged-${user}` })).rejects.toThrow(
        /Permissions Violation/,
      );
    }
    // What the stream holds on that subject: only the calibrator's signals, none forged.
    const admin = await as('admin');
    const ids: string[] = [];
    await admin.readStored(names.subject(Topic.signalCalibrated), (m) => ids.push(decodeAs(TradingSignal, m.data).id));
    expect(ids.length).toBe(N);
    expect(ids).not.toContain('forged-1');
    expect(await store.latest('FORGE')).toBeNull();
  }, 60_000);

  it('refuses a client without credentials, or with a wrong password, at connect', async () => {
    await expect(
      connectNatsTransport({
        url: server.url,
        names,
        duplicateWindowMs: 60_000,
        maxAgeMs: 3_600_000,
        security: { connectTimeoutMs: 2_000 },
      }),
    ).rejects.toThrow(/cannot connect to NATS.*AUTHORIZATION_VIOLATION/);
    await expect(as('cache-writer', 'wrong')).rejects.toThrow(/AUTHORIZATION_VIOLATION/);
    // The config path (env/file) gives the same security options.
    const sec = natsSecurity(loadConfig({ env: { HIMARI_NATS_USER: 'reader', HIMARI_NATS_PASSWORD: password('reader') } }));
    expect(sec.user).toBe('reader');
  });
});
