import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { CONSOLE_HEADERS, cacheControl, consoleTarget, contentType } from './console-files.ts';
import { notBuiltPage } from './not-built-page.ts';

/** The directory holding the built console (dist/console), fixed at start. */
export const CONSOLE_DIR = Symbol('CONSOLE_DIR');

/**
 * Serves the web console (apps/console, built into dist/console) at /console: hashed assets with a
 * long cache, index.html for every client route with no-store (so a new build is picked up at
 * once), under a strict Content-Security-Policy. No authentication here: the console's code is
 * public; every call it makes to /v1 is authenticated and authorised by the API.
 */
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CONSOLE_DIR) private readonly dir: string) {}

  @Get()
  root(@Res() res: Response): Promise<void> {
    return this.index(res);
  }

  @Get('*path')
  async any(@Req() req: Request, @Res() res: Response): Promise<void> {
    const target = consoleTarget(req.path.slice('/console'.length));
    if (target.kind === 'index') return this.index(res);
    res.set(CONSOLE_HEADERS);
    if (target.kind === 'file') {
      const file = join(this.dir, target.relative);
      const found = await stat(file).catch(() => undefined);
      if (found?.isFile()) {
        res.status(200).set({ 'Content-Type': contentType(target.relative), 'Cache-Control': cacheControl(target.relative) }).send(await readFile(file));
        return;
      }
    }
    res.status(404).set({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).send('Not found.\n');
  }

  private async index(res: Response): Promise<void> {
    res.set(CONSOLE_HEADERS).set('Cache-Control', 'no-store');
    const html = await readFile(join(this.dir, 'index.html')).catch(() => undefined);
    if (!html) {
      res.status(503).set({ 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '30' }).send(notBuiltPage);
      return;
    }
    res.status(200).set('Content-Type', 'text/html; charset=utf-8').send(html);
  }
}
