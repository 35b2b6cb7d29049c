import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeDir, startCountersign, tempDataDir, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

describe(`configuration mistakes stop the process with one clear line (${SHAPE})`, () => {
  let dir: string;
  before(async () => (dir = await tempDataDir()));
  after(async () => removeDir(dir));

  it('names the policy file, line and field at fault', async () => {
    const policies = join(dir, 'policies');
    await mkdir(policies, { recursive: true });
    await writeFile(join(policies, 'broken.yaml'), [
      'apiVersion: countersign.dev/v1',
      'kind: PolicySet',
      'metadata: { name: broken }',
      'spec:',
      '  rules:',
      '    - id: r1',
      '      match: { action: data.read }',
      '      effect: perhaps',
    ].join('\n'));
    const cs = await startCountersign({ dataDir: join(dir, 'data'), env: { ...E2E_ENV, COUNTERSIGN_POLICIES: policies }, expectExit: true });
    assert.equal(await cs.exitCode, 2);
    assert.match(cs.output(), /broken\.yaml:8: \/spec\/rules\/0\/effect/);
  });

  it('names the environment variable at fault', async () => {
    const cs = await startCountersign({ dataDir: join(dir, 'data2'), env: { ...E2E_ENV, PORT: 'eighty' }, expectExit: true });
    assert.equal(await cs.exitCode, 2);
    assert.match(cs.output(), /PORT/);
    assert.equal(cs.output().trim().split('\n').length, 1, cs.output());
  });
});
