import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { busNames, Stage, Topic } from '@himari/contracts';
import { connectNatsTransport, deleteStream } from '@himari/bus';
import { bytes, waitFor } from '@himari/bus/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { transportContract } from '@himari/bus/contract-suite';

const NATS_URL = 'nats://127.0.0.1:4222';
const NATS_SERVER_BIN = '/usr/sbin/nats-server';

transportContract('nats', async () => {
  const names = busNames(`t${randomUUID().slice(0, 8)}`);
  const transport = await connectNatsTransport({
    url: NATS_URL,
    names,
    duplicateWindowMs: 60_000,
    maxAgeMs: 3_600_000,
    name: `bus-contract-${names.prefix}`,
  });
  return {
    transport,
    names,
    cleanup: async () => {
      await transport.close();
      await deleteStream(NATS_URL, names.stream);
    },
  };
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A private JetStream server, so that this test can stop and restart it without touching the shared one. */
class PrivateNats {
  private proc: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: 'ignore',
    });
    this.proc = proc;
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const sock = createServer().listen(this.port, '127.0.0.1');
          // Port still free means the server is not listening yet.
          sock.once('listening', () => sock.close(() => resolve(false)));
          sock.once('error', () => resolve(true));
        }),
      10_000,
      { message: 'private nats-server did not start' },
    );
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
    this.proc = undefined;
  }
}

describe.skipIf(!existsSync(NATS_SERVER_BIN))('NatsTransport across a server restart', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('the consume loop resumes after the server restarts and nothing acked is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'himari-nats-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = new PrivateNats(await freePort(), dir);
    await server.start();
    cleanups.push(() => server.stop());

    const names = busNames(`t${randomUUID().slice(0, 8)}`);
    const t = await connectNatsTransport({ url: server.url, names, duplicateWindowMs: 60_000, maxAgeMs: 3_600_000 });
    cleanups.push(() => t.close());
    await t.ensureStream();
    const subject = names.subject(Topic.newsRaw);
    const got = new Set<string>();
    const sub = await t.consume(
      {
        durable: names.durable(Stage.eventClassifier, Topic.newsRaw),
        subject,
        maxDeliver: 10,
        ackWaitMs: 1_000,
        concurrency: 2,
      },
      async (d) => {
        got.add(d.msgId);
        await d.ack();
      },
    );

    await t.publish(subject, bytes('before'), { msgId: 'before' });
    await waitFor(() => got.has('before'));

    await server.stop();
    await server.start();

    // The first publish can time out while the client reconnects (about 5 s): retry with the same msgId, as a
    // producer does.
    await waitFor(
      async () => {
        await t.publish(subject, bytes('after'), { msgId: 'after' });
        return true;
      },
      20_000,
      { message: 'publish never succeeded after the restart' },
    );
    await waitFor(() => got.has('after'), 30_000, { message: 'consume loop did not resume' });
    await waitFor(async () => {
      const info = await sub.info();
      return info.pending === 0 && info.ackPending === 0;
    }, 10_000);
    expect([...got].sort()).toEqual(['after', 'before']);
    await sub.drain();
    await deleteStream(server.url, names.stream);
  });
});
