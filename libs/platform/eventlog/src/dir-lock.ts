import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One process per log directory: two writers would interleave appends and corrupt the chain.
 * The lock is a file holding the owner's pid; a lock left by a dead process (kill -9) is taken over.
 */
/** Locks this process holds: a pid equal to ours in a lock file we did not write is stale (pid reuse). */
const held = new Set<string>();

export async function acquireDirLock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
      await handle.close();
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      const live = owner === process.pid ? held.has(path) : Number.isInteger(owner) && isAlive(owner);
      if (live) {
        throw new Error(`event log: ${dir} is in use by process ${owner}; stop it first (or remove ${path} if that process is not Countersign)`);
      }
      await rm(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`event log: could not lock ${dir}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
