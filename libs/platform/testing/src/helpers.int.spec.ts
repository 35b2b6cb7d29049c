import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort, tempDir } from './index.ts';

describe('test helpers with real IO', () => {
  it('tempDir gives a fresh directory that cleanup removes with its content', async () => {
    const [a, b] = [await tempDir('helpers-'), await tempDir('helpers-')];
    assert.notEqual(a.path, b.path);
    await writeFile(join(a.path, 'file.txt'), 'x');
    await a.cleanup();
    await a.cleanup();
    await b.cleanup();
    await assert.rejects(stat(a.path), { code: 'ENOENT' });
  });

  it('freePort gives a port a server can listen on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
    assert.ok(port > 0);
  });
});
