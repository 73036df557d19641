/**
 * Distributed mode for the benches: one `himari serve ACTOR` process per actor on NATS + Redis under a unique
 * prefix (as test/multi-process.test.ts starts them), with per-process CPU time and optional V8 CPU profiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deleteStream } from '@himari/bus';
import { busNames } from '@himari/contracts';
import { Redis } from 'ioredis';

export const NATS_URL = 'nats://127.0.0.1:4222';
export const REDIS_URL = 'redis://127.0.0.1:6379';
const ROOT = resolve(import.meta.dirname, '..');
const HIMARI_BIN = join(ROOT, 'apps/cli/bin/himari.mjs');
const START_TIMEOUT_MS = 180_000;

export interface ActorProc {
  stage: string;
  /** The profile's file stem (with `profileDir`). */
  name: string;
  spawnedAt: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export interface ClusterOptions {
  /** J3's folder (a store filled beforehand); null: in memory. */
  ragDir?: string | null;
  /** Write a V8 CPU profile of every process here when it exits. */
  profileDir?: string;
}

export class Cluster {
  readonly procs: ActorProc[] = [];
  readonly prefix: string;
  readonly keyPrefix: string;

  constructor(private readonly opts: ClusterOptions = {}) {
    const id = randomUUID().replace(/-/g, '').slice(0, 10);
    this.prefix = `bench${id}`;
    this.keyPrefix = `bench${id}:llm`;
  }

  get env(): Record<string, string> {
    return {
      HIMARI_NATS_URL: NATS_URL,
      HIMARI_REDIS_URL: REDIS_URL,
      HIMARI_NATS_PREFIX: this.prefix,
      HIMARI_REDIS_KEY_PREFIX: this.keyPrefix,
      HIMARI_LOG_LEVEL: 'info',
      ...(this.opts.ragDir ? { HIMARI_RAG_DIR: this.opts.ragDir } : {}),
    };
  }

  async start(stages: readonly string[]): Promise<void> {
    await Promise.all(stages.map((s) => this.add(s)));
  }

  /** Starts one more process of `stage` (a replica when one runs already) and resolves once it serves. */
  async add(stage: string): Promise<ActorProc> {
    const name = `${stage}-${this.procs.length}`;
    const prof = this.opts.profileDir
      ? ['--cpu-prof', '--cpu-prof-dir', this.opts.profileDir, '--cpu-prof-name', `${name}.cpuprofile`]
      : [];
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [...prof, HIMARI_BIN, 'serve', stage], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const p: ActorProc = { stage, name, spawnedAt, child, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
    this.procs.push(p);
    const tail: string[] = [];
    await new Promise<void>((resolveReady, reject) => {
      let buf = '';
      const timer = setTimeout(
        () => reject(new Error(`${stage} did not serve within ${START_TIMEOUT_MS} ms:\n${tail.join('\n')}`)),
        START_TIMEOUT_MS,
      );
      child.stderr!.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          tail.push(line);
          if (tail.length > 50) tail.shift();
          if (line.includes('"msg":"serving"')) {
            clearTimeout(timer);
            resolveReady();
          }
        }
      });
      void p.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${stage} exited (${code}) before serving:\n${tail.join('\n')}`));
      });
    }).catch((err: unknown) => {
      throw err;
    });
    return p;
  }

  /** CPU seconds (user + system) each process has used so far, by pid. */
  cpuSeconds(): Map<ActorProc, number> {
    const out = new Map<ActorProc, number>();
    for (const p of this.procs) {
      if (p.child.pid === undefined || p.child.exitCode !== null) continue;
      try {
        const stat = readFileSync(`/proc/${p.child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
        out.set(p, (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        // Gone between the check and the read.
      }
    }
    return out;
  }

  /** SIGTERM every process (graceful drain, profiles written), then drops the stream and the Redis keys. */
  async stop(): Promise<void> {
    for (const p of this.procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(
      this.procs.map(async (p) => {
        const t = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
        await p.exited;
        clearTimeout(t);
      }),
    );
    await deleteStream(NATS_URL, busNames(this.prefix).stream).catch(() => undefined);
    const redis = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.keyPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      // The ingestor's claims live under the key prefix too; anything else of this run's prefix goes as well.
    } finally {
      redis.disconnect();
    }
  }
}
