import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDirectory, type Directory } from './index.ts';

// The documented demo workspace, read from disk: what the README promises must stay true.
const DEMO_PRINCIPALS = fileURLToPath(new URL('../../../config/demo/principals/demo.yaml', import.meta.url));

function demoDirectory(): Directory {
  const loaded = loadDirectory([{ path: DEMO_PRINCIPALS, text: readFileSync(DEMO_PRINCIPALS, 'utf8') }]);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  return loaded.directory;
}

describe('demo principals (config/demo/principals)', () => {
  const directory = demoDirectory();

  it('authenticates every documented demo key', () => {
    const keys: [string, string, string][] = [
      ['demo-agent-key', 'demo-agent', 'agent'],
      ['alice-key', 'alice', 'human'],
      ['bob-key', 'bob', 'human'],
      ['erin-key', 'erin', 'human'],
      ['carol-key', 'carol', 'human'],
    ];
    for (const [key, id, kind] of keys) {
      const found = directory.authenticate(key);
      assert.equal(found?.principal.id, id, key);
      assert.equal(found?.principal.kind, kind, key);
    }
  });

  it('has the documented groups, roles and linked identities', () => {
    assert.deepEqual(directory.membersOf('data-stewards').map((p) => p.id), ['alice', 'bob']);
    assert.deepEqual(directory.membersOf('security').map((p) => p.id), ['erin']);
    assert.deepEqual(directory.get('carol')?.roles, ['auditor']);
    assert.deepEqual(directory.get('carol')?.groups, []);
    assert.equal(directory.get('demo-agent')?.owner, undefined);
    assert.equal(directory.byIdentity('slack:U0ALICE')?.id, 'alice');
    assert.equal(directory.byIdentity('slack:U0BOB')?.id, 'bob');
  });
});
