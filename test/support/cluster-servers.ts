/**
 * Throwaway servers of our own on random loopback ports (never the shared 4222/6379): a JetStream cluster, and a
 * Redis master with a replica and sentinels. Stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './env.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => (s.destroy(), resolve(false)));
    s.connect(port, '127.0.0.1');
  });
}

export interface ServerProcess {
  name: string;
  port: number;
  child: ChildProcess;
  log: string[];
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function serverProcess(name: string, port: number, cmd: string, args: string[]): ServerProcess {
  const p: ServerProcess = {
    name,
    port,
    child: undefined as unknown as ChildProcess,
    log: [],
    async start() {
      p.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const keep = (c: Buffer): void => {
        p.log.push(...c.toString('utf8').split('\n').filter(Boolean));
        if (p.log.length > 400) p.log.splice(0, p.log.length - 400);
      };
      p.child.stdout!.on('data', keep);
      p.child.stderr!.on('data', keep);
      await waitFor(() => portOpen(port), 15_000, { message: `${name} to listen on ${port}` });
    },
    async kill(signal = 'SIGKILL') {
      const c = p.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill(signal);
      await exited;
    },
  };
  return p;
}

/** `n` nats-server processes with JetStream, routed into one cluster, each with its own store directory. */
export async function natsCluster(n = 3): Promise<ServerProcess[]> {
  const dir = mkdtempSync(join(tmpdir(), 'himari-natsc-'));
  const ports = await Promise.all(Array.from({ length: n }, freePort));
  const routes = await Promise.all(Array.from({ length: n }, freePort));
  return ports.map((port, i) => {
    const store = join(dir, `n${i}`);
    mkdirSync(store);
    const conf = join(dir, `n${i}.conf`);
    writeFileSync(
      conf,
      [
        `server_name: n${i}`,
        `listen: 127.0.0.1:${port}`,
        `jetstream { store_dir: "${store}" }`,
        `cluster {`,
        `  name: himari-test`,
        `  listen: 127.0.0.1:${routes[i]}`,
        `  routes: [${routes.map((r) => `nats-route://127.0.0.1:${r}`).join(', ')}]`,
        `}`,
      ].join('\n'),
    );
    return serverProcess(`n${i}`, port, 'nats-server', ['-c', conf]);
  });
}

export interface SentinelSetup {
  master: ServerProcess;
  replica: ServerProcess;
  sentinels: ServerProcess[];
  name: string;
}

/** A Redis master, one replica and three sentinels (quorum 2), failing over fast (1 s down-after). */
export async function redisSentinel(name = 'himari'): Promise<SentinelSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'himari-sentinel-'));
  const [mp, rp, ...sp] = await Promise.all(Array.from({ length: 5 }, freePort));
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const master = serverProcess('master', mp!, 'redis-server', ['--port', String(mp), ...common]);
  const replica = serverProcess('replica', rp!, 'redis-server', ['--port', String(rp), '--replicaof', '127.0.0.1', String(mp), ...common]);
  const sentinels = sp.map((port, i) => {
    const conf = join(dir, `sentinel-${i}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${mp} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
      ].join('\n') + '\n',
    );
    return serverProcess(`sentinel-${i}`, port, 'redis-server', [conf, '--sentinel']);
  });
  return { master, replica, sentinels, name };
}
