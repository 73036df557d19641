/**
 * Private NATS and Redis servers on random loopback ports, for tests that restart, kill or reconfigure them
 * (auth, ACLs, chaos) without touching the shared ones. Stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './env.ts';

export const NATS_SERVER_BIN = '/usr/sbin/nats-server';
export const REDIS_SERVER_BIN = '/usr/bin/redis-server';
export const haveServers = existsSync(NATS_SERVER_BIN) && existsSync(REDIS_SERVER_BIN);

export async function freePort(): Promise<number> {
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

function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const sock = createServer().listen(port, '127.0.0.1');
    // Port still free means the server is not listening yet.
    sock.once('listening', () => sock.close(() => resolve(false)));
    sock.once('error', () => resolve(true));
  });
}

abstract class PrivateServer {
  protected proc: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'himari-srv-'));
  readonly log: string[] = [];
  constructor(readonly port: number) {}

  protected abstract command(): [string, string[]];

  async start(): Promise<void> {
    const [bin, args] = this.command();
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer): void => {
      this.log.push(...b.toString('utf8').split('\n').filter(Boolean));
      if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    this.proc = proc;
    await waitFor(() => listening(this.port), 15_000, { message: `${bin} on ${this.port} did not start:\n${this.log.join('\n')}` });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** SIGTERM (graceful) or SIGKILL; resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
    this.proc = undefined;
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** nats-server -js, optionally from a config file (accounts, users, permissions). */
export class PrivateNats extends PrivateServer {
  private configFile: string | undefined;
  constructor(port: number, config?: (storeDir: string) => string) {
    super(port);
    if (config) {
      this.configFile = join(this.dir, 'nats.conf');
      writeFileSync(this.configFile, config(join(this.dir, 'js')));
    }
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return this.configFile
      ? [NATS_SERVER_BIN, ['-c', this.configFile, '-a', '127.0.0.1', '-p', String(this.port)]]
      : [NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', join(this.dir, 'js')]];
  }
}

/** redis-server with its own folder (AOF on, so that a restart keeps what was acknowledged) and extra arguments. */
export class PrivateRedis extends PrivateServer {
  constructor(
    port: number,
    private readonly extra: string[] = [],
  ) {
    super(port);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return [
      REDIS_SERVER_BIN,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        ...this.extra,
      ],
    ];
  }
}
