import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fc from 'fast-check';
import { CONSOLE_DIR, ConsoleController } from './console.controller.ts';

/** The console's controller alone on a real HTTP server, over a directory shaped like dist/console. */
async function serve(dir: string): Promise<{ app: INestApplication; base: string }> {
  @Module({ controllers: [ConsoleController], providers: [{ provide: CONSOLE_DIR, useValue: dir }] })
  class ConsoleOnly {}
  const app = await NestFactory.create(ConsoleOnly, { logger: false, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${port}` };
}

describe('the console as the gateway serves it', () => {
  const root = mkdtempSync(join(tmpdir(), 'console-'));
  const built = join(root, 'dist', 'console');
  const missing = join(root, 'not-built');
  let servers: { app: INestApplication; base: string }[] = [];

  before(async () => {
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'dist', 'secret.txt'), 'outside');
    servers = [await serve(built), await serve(missing)];
  });
  after(async () => {
    for (const s of servers) await s.app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('given a built console, when /console and a client route are asked for, then index.html comes uncached under a strict CSP', async () => {
    for (const path of ['/console', '/console/', '/console/actions/01a2', '/console/audit?from=x']) {
      const res = await fetch(servers[0].base + path);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), '<!doctype html><title>console</title>');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'same-origin');
    }
  });

  it('given a hashed asset, when fetched, then it comes with its type and a year of cache', async () => {
    const res = await fetch(servers[0].base + '/console/assets/index-abc123.js');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'console.log(1)');
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await fetch(servers[0].base + '/console/assets/gone-1.js')).status, 404);
  });

  it('given the console was not built, when /console is asked for, then a 503 page says how to build it', async () => {
    const res = await fetch(servers[1].base + '/console/inbox');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:console/);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  it('property: no path under /console serves anything but the console, nor fails', async () => {
    const segment = fc.oneof(fc.constantFrom('..', '%2e%2e', '%2E%2E%2F', 'assets', 'secret.txt', '.', '%00', '%5c..', 'index.html', '%'), fc.webSegment());
    await fc.assert(fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (segments) => {
      const res = await fetch(`${servers[0].base}/console/${segments.join('/')}`);
      const body = await res.text();
      assert.ok([200, 400, 404].includes(res.status), `${res.status} for ${segments.join('/')}`);
      assert.ok(!body.includes('outside'), segments.join('/'));
    }), { numRuns: 150 });
  });
});
