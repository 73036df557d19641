import { spawn, type ChildProcess } from 'node:child_process';
import { HIMARI_BIN, ROOT, waitFor } from './env.ts';

export interface ActorProcess {
  actor: string;
  child: ChildProcess;
  stderr: string[];
  ready: boolean;
  exited: Promise<number | null>;
}

/** Starts `himari serve ACTOR` as a separate process and resolves once it logs that it serves. */
export async function startActorProcess(actor: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ActorProcess> {
  const child = spawn(process.execPath, [HIMARI_BIN, 'serve', actor], {
    cwd: ROOT,
    env: { ...process.env, HIMARI_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const p: ActorProcess = {
    actor,
    child,
    stderr: [],
    ready: false,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  let buf = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      p.stderr.push(line);
      if (p.stderr.length > 200) p.stderr.shift();
      if (line.includes('"msg":"serving"')) p.ready = true;
    }
  });
  const exitedFirst = p.exited.then(() => {
    if (!p.ready) throw new Error(`${actor} exited before serving:\n${p.stderr.join('\n')}`);
  });
  await Promise.race([waitFor(() => p.ready, timeoutMs, { message: `${actor} to serve` }), exitedFirst]);
  return p;
}

export async function stopProcess(p: ActorProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}
