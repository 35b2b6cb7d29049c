/** The fsync dance that makes file creation and replacement survive a crash. */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes the directory's entries (a created or renamed file) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` with `text` so that a crash leaves either the old or the new content. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}
