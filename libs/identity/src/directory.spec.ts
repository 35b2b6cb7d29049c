import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { hashApiKey, loadDirectory, type Directory } from './index.ts';

function directoryOf(principals: object[]): Directory {
  const text = stringify({ apiVersion: 'countersign.dev/v1', kind: 'PrincipalList', spec: { principals } });
  const loaded = loadDirectory([{ path: 'p.yaml', text }]);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  return loaded.directory;
}

describe('directory', () => {
  const directory = directoryOf([
    { id: 'alice', kind: 'human', name: 'Alice Ng', email: 'alice@example.com', groups: ['stewards'], identities: ['slack:U0ALICE', 'teams:29:alice'], apiKeys: [{ id: 'alice-1', sha256: hashApiKey('alice-key') }, { id: 'alice-2', sha256: hashApiKey('alice-key-2') }] },
    { id: 'bob', kind: 'human', groups: ['stewards', 'security'], apiKeys: [{ id: 'bob-1', sha256: hashApiKey('bob-key') }] },
    { id: 'carol', kind: 'human', roles: ['auditor'] },
    { id: 'bot', kind: 'agent', owner: 'alice', apiKeys: [{ id: 'bot-1', sha256: hashApiKey('bot-key') }] },
  ]);

  it('hashes API keys with SHA-256', () => {
    assert.equal(hashApiKey('demo-agent-key'), '8cfbbed0d818a803eddf3db2193bd492460b2db9999d03775a023dd8f90d04a6');
  });

  it('authenticates each key to its principal and key id', () => {
    const cases: [string, string | undefined, string | undefined][] = [
      ['alice-key', 'alice', 'alice-1'],
      ['alice-key-2', 'alice', 'alice-2'],
      ['bob-key', 'bob', 'bob-1'],
      ['bot-key', 'bot', 'bot-1'],
      ['wrong-key', undefined, undefined],
      ['', undefined, undefined],
      [hashApiKey('alice-key'), undefined, undefined], // the stored hash is not a key
    ];
    for (const [key, principal, keyId] of cases) {
      const found = directory.authenticate(key);
      assert.equal(found?.principal.id, principal, key);
      assert.equal(found?.keyId, keyId, key);
    }
  });

  it('finds principals by id and by linked identity', () => {
    assert.equal(directory.get('bob')?.kind, 'human');
    assert.equal(directory.get('nobody'), undefined);
    assert.equal(directory.byIdentity('slack:U0ALICE')?.id, 'alice');
    assert.equal(directory.byIdentity('teams:29:alice')?.id, 'alice');
    assert.equal(directory.byIdentity('slack:U0NOBODY'), undefined);
    assert.deepEqual(directory.identitiesOf('alice'), ['slack:U0ALICE', 'teams:29:alice']);
    assert.deepEqual(directory.identitiesOf('nobody'), []);
  });

  it('lists the members of a group in directory order', () => {
    assert.deepEqual(directory.membersOf('stewards').map((p) => p.id), ['alice', 'bob']);
    assert.deepEqual(directory.membersOf('security').map((p) => p.id), ['bob']);
    assert.deepEqual(directory.membersOf('nobody'), []);
  });

  it('fills in defaults and keeps optional fields', () => {
    assert.deepEqual(directory.get('carol'), { id: 'carol', kind: 'human', groups: [], roles: ['auditor'], identities: [], apiKeys: [] });
    assert.equal(directory.get('bot')?.owner, 'alice');
    assert.equal(directory.get('alice')?.email, 'alice@example.com');
  });

  it('gives a plain snapshot for the approval domain, marking who reads every action (auditors, admins)', () => {
    assert.deepEqual(directory.snapshot(), {
      principals: {
        alice: { kind: 'human', groups: ['stewards'] },
        bob: { kind: 'human', groups: ['stewards', 'security'] },
        carol: { kind: 'human', groups: [], readsAll: true },
        bot: { kind: 'agent', groups: [] },
      },
    });
  });

  it('does not let callers change shared principals', () => {
    assert.throws(() => (directory.get('alice')?.groups as string[]).push('admins'), TypeError);
    directory.snapshot().principals.alice.groups.push('admins');
    directory.identitiesOf('alice').push('slack:U0EVE');
    assert.deepEqual(directory.snapshot().principals.alice.groups, ['stewards']);
    assert.equal(directory.byIdentity('slack:U0EVE'), undefined);
  });

  it('merges several files in path order', () => {
    const file = (path: string, id: string) => ({ path, text: stringify({ apiVersion: 'countersign.dev/v1', kind: 'PrincipalList', spec: { principals: [{ id, kind: 'human' }] } }) });
    const loaded = loadDirectory([file('b.yaml', 'bob'), file('a.yaml', 'alice')]);
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.directory.principals.map((p) => p.id), ['alice', 'bob']);
  });
});

describe('resource owners', () => {
  const directory = directoryOf([
    { id: 'dana', kind: 'human', owns: ['db/orders/**', 'bucket/exports'] },
    { id: 'erin', kind: 'human', owns: ['db/**'] },
    { id: 'frank', kind: 'human' },
  ]);
  const cases: [string, string[]][] = [
    ['db/orders/prod', ['dana', 'erin']],
    ['db/users', ['erin']],
    ['bucket/exports', ['dana']],
    ['bucket/exports/x', []],
    ['queue/jobs', []],
  ];
  for (const [resource, owners] of cases) {
    it(`${resource} is owned by ${owners.join(', ') || 'nobody'}`, () => assert.deepEqual(directory.ownersOf(resource), owners));
  }
});
