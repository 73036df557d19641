/** Top functions by self time from V8 `.cpuprofile` files (one per process), as plain text. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = resolve(import.meta.dirname, '..');

function where(url: string, line: number): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? url.slice(7) : url;
  const rel = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  return ` ${rel}:${line + 1}`;
}

/**
 * `window`: only samples taken between these epoch ms, for processes spawned at `spawnedAt[file stem]` (the
 * profile's clock starts with the process): start-up (module loading) stays out of a steady-state profile.
 */
export function profileTop(dir: string, top = 40, window?: { fromMs: number; toMs: number; spawnedAt: Record<string, number> }): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const selfUs = new Map<string, number>();
  const byProcess: { name: string; totalMs: number; top: string[] }[] = [];
  let total = 0;
  for (const f of files) {
    const prof = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    const key = new Map<number, string>();
    for (const n of prof.nodes)
      key.set(n.id, `${n.callFrame.functionName || '(anonymous)'}${where(n.callFrame.url, n.callFrame.lineNumber)}`);
    const mine = new Map<string, number>();
    let procTotal = 0;
    const spawned = window?.spawnedAt[basename(f, '.cpuprofile')];
    let at = 0;
    prof.samples.forEach((id, i) => {
      const dt = prof.timeDeltas[i] ?? 0;
      at += dt;
      if (window && spawned !== undefined) {
        const epoch = spawned + at / 1000;
        if (epoch < window.fromMs || epoch > window.toMs) return;
      }
      const k = key.get(id) ?? '?';
      mine.set(k, (mine.get(k) ?? 0) + dt);
      procTotal += dt;
    });
    // Idle time is where a process waited for work: not a cost.
    const idle = mine.get('(idle)') ?? 0;
    procTotal -= idle;
    mine.delete('(idle)');
    for (const [k, v] of mine) selfUs.set(k, (selfUs.get(k) ?? 0) + v);
    total += procTotal;
    const ranked = [...mine.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
    byProcess.push({
      name: basename(f, '.cpuprofile'),
      totalMs: procTotal / 1000,
      top: ranked.map(([k, v]) => `${((100 * v) / Math.max(procTotal, 1)).toFixed(1)}% ${k}`),
    });
  }
  const lines = [
    `busy CPU time over ${files.length} processes: ${(total / 1e6).toFixed(1)} s (idle excluded)`,
    '',
    'top functions by self time, all processes:',
  ];
  for (const [k, v] of [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`${((100 * v) / Math.max(total, 1)).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  }
  lines.push('', 'per process (busy time, top 5 by self time):');
  for (const p of byProcess.sort((a, b) => b.totalMs - a.totalMs)) {
    lines.push(`${p.name}: ${(p.totalMs / 1000).toFixed(1)} s`);
    for (const t of p.top) lines.push(`    ${t}`);
  }
  return lines.join('\n') + '\n';
}
