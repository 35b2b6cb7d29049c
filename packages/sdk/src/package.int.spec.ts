/**
 * The published package, as a consumer gets it: built with its own tsconfig into a scratch
 * directory, packed with npm, unpacked into a consumer's node_modules, imported by Node and
 * type-checked by tsc (NodeNext, no skipLibCheck) from a consumer's source file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(PACKAGE, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** Runs tsc; on errors, fails with what tsc printed (it prints them on stdout). */
function tsc(args: string[], cwd: string): void {
  try {
    execFileSync(process.execPath, [TSC, ...args], { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    assert.fail(`tsc ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

describe('the @countersign/sdk package', () => {
  it('builds, packs only its dist and README, imports in Node and type-checks for a consumer', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'sdk-pack-'));
    try {
      // A copy of the package, so the build writes nothing into the work tree.
      const copy = join(scratch, 'sdk');
      cpSync(PACKAGE, copy, { recursive: true, filter: (src) => !src.startsWith(join(PACKAGE, 'dist')) && !src.startsWith(join(PACKAGE, 'node_modules')) });
      // Its dependencies and types resolve from the repository's node_modules, as from a registry.
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      tsc(['-p', join(copy, 'tsconfig.build.json')], copy);
      const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: copy, encoding: 'utf8' }));
      const files: string[] = packed.files.map((f: { path: string }) => f.path).sort();
      assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts') && files.includes('package.json') && files.includes('README.md'), files.join(', '));
      assert.deepEqual(files.filter((f) => !/^dist\/[a-z-]+\.(js|d\.ts)$/.test(f) && !['package.json', 'README.md'].includes(f)), [], 'nothing but dist, package.json and README');
      assert.equal(files.some((f) => f.includes('spec') || f.includes('testing')), false);

      // The consumer: the tarball unpacked into node_modules, its two dependencies beside it.
      const consumer = join(scratch, 'consumer');
      const installed = join(consumer, 'node_modules/@countersign/sdk');
      mkdirSync(installed, { recursive: true });
      execFileSync('tar', ['-xzf', join(scratch, packed.filename), '-C', installed, '--strip-components=1']);
      for (const dep of ['jose', 'canonicalize', '@types/node']) {
        mkdirSync(dirname(join(consumer, 'node_modules', dep)), { recursive: true });
        symlinkSync(join(ROOT, 'node_modules', dep), join(consumer, 'node_modules', dep));
      }
      writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
      writeFileSync(join(consumer, 'main.ts'), [
        "import { Countersign, verifyGrant, ActionDenied, type GuardSpec, type GrantClaims } from '@countersign/sdk';",
        "const spec: GuardSpec = { action: 'data.export', resource: 'prod/x', params: { rows: 1 } };",
        "const cs = new Countersign({ url: 'http://127.0.0.1:1', apiKey: 'k' });",
        'export const run = (): Promise<number> => cs.guard(spec, async ({ grant }) => grant.length);',
        'export const check = (t: string): Promise<GrantClaims> => verifyGrant(t, { jwks: { keys: [] }, params: {} });',
        'export const denied = (e: unknown): boolean => e instanceof ActionDenied;',
        '',
      ].join('\n'));
      writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
        files: ['main.ts'],
      }));
      tsc(['-p', consumer], consumer);

      const probe = join(consumer, 'probe.mjs');
      writeFileSync(probe, "import * as sdk from '@countersign/sdk'; console.log(JSON.stringify(Object.keys(sdk).sort()));");
      const exported: string[] = JSON.parse(execFileSync(process.execPath, [probe], { cwd: consumer, encoding: 'utf8' }));
      for (const name of ['Countersign', 'verifyGrant', 'paramsHash', 'ActionDenied', 'ActionExpired', 'ActionCancelled', 'CountersignUnavailable', 'GrantInvalid']) {
        assert.ok(exported.includes(name), `${name} is exported`);
      }
      assert.equal(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).name, '@countersign/sdk');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
