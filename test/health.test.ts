/**
 * Honest health and no hangs: /readyz of a served actor follows its bus and store going away and coming back;
 * CLI commands on unreachable services end within seconds with one line and a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIMARI_BIN, ROOT, waitFor } from './support/env.ts';
import { startActorProcess, stopProcess, type ActorProcess } from './support/processes.ts';
import { freePort, haveServers, PrivateNats, PrivateRedis } from './support/servers.ts';

async function readyz(port: number): Promise<{ status: number; body: { ready: boolean; checks: Record<string, { ok: boolean }> } }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

describe.skipIf(!haveServers)('/healthz and /readyz of a served actor', () => {
  let nats: PrivateNats;
  let redis: PrivateRedis;
  let actor: ActorProcess;
  let port: number;

  beforeAll(async () => {
    [nats, redis] = [new PrivateNats(await freePort()), new PrivateRedis(await freePort())];
    await Promise.all([nats.start(), redis.start()]);
    port = await freePort();
    actor = await startActorProcess('cache-writer', {
      HIMARI_NATS_URL: nats.url,
      HIMARI_REDIS_URL: redis.url,
      HIMARI_NATS_PREFIX: `h${randomUUID().slice(0, 6)}`,
      HIMARI_METRICS_PORT: String(port),
    });
  }, 60_000);

  afterAll(async () => {
    if (actor) await stopProcess(actor);
    await Promise.all([nats?.dispose(), redis?.dispose()]);
  }, 60_000);

  it('binds to loopback, is live, and is ready with bus, store and model', async () => {
    expect(actor.stderr.join('\n')).toMatch(/"host":"127\.0\.0\.1"/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const r = await readyz(port);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.checks).sort()).toEqual(['bus', 'model', 'store']);
  });

  it('is not ready within seconds of Redis going away, and ready again when it is back', async () => {
    await redis.stop('SIGKILL');
    const t0 = Date.now();
    await waitFor(async () => (await readyz(port)).status === 503, 10_000, { message: 'not ready without Redis' });
    const notReadyMs = Date.now() - t0;
    expect((await readyz(port)).body.checks['store']!.ok).toBe(false);
    await redis.start();
    await waitFor(async () => (await readyz(port)).status === 200, 15_000, { message: 'ready again with Redis' });
    expect(notReadyMs).toBeLessThan(10_000);
  }, 40_000);

  it('is not ready within seconds of NATS going away, and ready again when it is back', async () => {
    await nats.stop('SIGKILL');
    await waitFor(async () => (await readyz(port)).status === 503, 10_000, { message: 'not ready without NATS' });
    expect((await readyz(port)).body.checks['bus']!.ok).toBe(false);
    await nats.start();
    await waitFor(async () => (await readyz(port)).status === 200, 20_000, { message: 'ready again with NATS' });
  }, 40_000);
});

function himari(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [HIMARI_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, ms: Date.now() - t0 })));
}

describe('CLI commands on unreachable services', () => {
  it.each([
    [['features', 'AAPL', '--redis', 'redis://:pw-xyz-123@127.0.0.1:1'], /cannot connect to Redis/],
    [['regime', 'get', 'AAPL', '--redis', 'redis://127.0.0.1:1'], /cannot connect to Redis/],
    [['run', '--input', 'samples/news.jsonl', '--redis', 'redis://127.0.0.1:1', '--output', '/dev/null'], /cannot connect to Redis/],
    [['run', '--input', 'samples/news.jsonl', '--nats', 'nats://127.0.0.1:1', '--output', '/dev/null'], /cannot connect to NATS/],
    [['tap', '--nats', 'nats://127.0.0.1:1'], /cannot connect to NATS/],
    [['serve', 'ingestor', '--nats', 'nats://127.0.0.1:1'], /cannot connect to NATS/],
  ])(
    'himari %j exits non-zero with one clear line, without hanging',
    async (args, msg) => {
      const r = await himari(args as string[]);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(msg as RegExp);
      expect(r.out).not.toContain('pw-xyz-123');
      expect(r.out).not.toMatch(/\n\s+at /);
      expect(r.ms).toBeLessThan(20_000);
    },
    30_000,
  );

  it('a missing input file or output folder is one line and exit 2', async () => {
    const a = await himari(['run', '--input', '/nonexistent/news.jsonl']);
    expect(a.code).toBe(2);
    expect(a.out.trim().split('\n')).toHaveLength(1);
    const b = await himari(['run', '--input', 'samples/news.jsonl', '--output', '/nonexistent/dir/out.jsonl']);
    expect(b.code).toBe(2);
    expect(b.out).toMatch(/does not exist/);
  }, 30_000);

  it('a misspelt config key is an error naming the nearest key', async () => {
    const r = await himari(['features', 'AAPL'], { HIMARI_CONFIG: `${ROOT}/test/fixtures/typo-config.yaml` });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/actors\.concurency: unknown key \(did you mean actors\.concurrency\?\)/);
  }, 30_000);
});
