/**
 * One process per J3 folder: a second writer would interleave snapshots. The lock is proper-lockfile's: a directory
 * whose mtime the holder keeps refreshing, so a lock left by a killed process goes stale and is taken over. A PID
 * file cannot tell that apart from a live holder inside a restarted container, where the new process often gets the
 * very PID written in the old lock.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { RetrievalLockedError } from './errors.ts';

/** Releases the lock. */
export type FolderLock = () => Promise<void>;

/** A holder refreshes the lock every third of this; a lock not refreshed for this long is stale. */
const STALE_MS = 15_000;

export interface LockOptions {
  /**
   * How long to wait for a held lock to be released or go stale, so that a restart right after a kill succeeds.
   * @default 20000
   */
  waitMs?: number;
  /** Called when the lock was lost while held (the event loop stalled past STALE_MS and another process took it). */
  onCompromised: (err: Error) => void;
}

export async function lockFolder(dir: string, opts: LockOptions): Promise<FolderLock> {
  mkdirSync(dir, { recursive: true });
  const waitMs = opts.waitMs ?? STALE_MS + 5_000;
  try {
    return await lockfile.lock(dir, {
      lockfilePath: join(dir, 'LOCK.d'),
      realpath: false,
      stale: STALE_MS,
      update: STALE_MS / 3,
      retries: waitMs > 0 ? { retries: Math.ceil(waitMs / 1_000), minTimeout: 1_000, maxTimeout: 1_000, factor: 1 } : 0,
      onCompromised: opts.onCompromised,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    throw new RetrievalLockedError(
      `${dir} is in use by another process (a serving rag-actor or another himari rag): stop it or use another rag.dir`,
      { cause: err },
    );
  }
}
