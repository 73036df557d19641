/** One process per J3 folder: a second writer would interleave snapshots. A lock left by a dead process is taken over. */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RetrievalLockedError } from './errors.ts';

/** Takes `dir`'s lock file and returns its path (give it to `unlockFolder`). */
export function lockFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(existsSync(path) ? readFileSync(path, 'utf8').trim() : NaN);
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || alive(pid))) {
        throw new RetrievalLockedError(
          `${dir} is in use by process ${pid} (a serving rag-actor or another himari rag): stop it or use another rag.dir`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new RetrievalLockedError(`cannot lock ${dir}`);
}

export function unlockFolder(lockPath: string): void {
  rmSync(lockPath, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
