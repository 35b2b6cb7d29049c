import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatDirectoryError, groupMappingRule, loadDirectory, mappedGroups, resolveSignIn, type Directory, type GroupMapping } from './index.ts';

function directoryOf(spec: object): Directory {
  const loaded = loadDirectory([{ path: 'p.yaml', text: stringify({ apiVersion: 'countersign.dev/v1', kind: 'PrincipalList', spec }) }]);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  return loaded.directory;
}

const directory = directoryOf({
  principals: [
    { id: 'alice', kind: 'human', email: 'alice@example.com', groups: ['sre', 'payments'], identities: ['oidc:00u-alice'] },
    { id: 'bob', kind: 'human', email: 'Bob@Example.com', groups: ['security'] },
    { id: 'carol', kind: 'human', email: 'carol@example.com', groups: [], identities: ['oidc:00u-carol'] },
    { id: 'bot', kind: 'agent', email: 'bot@example.com', identities: ['oidc:00u-bot'] },
  ],
  groupMappings: [
    { idpGroup: 'Countersign SRE', groups: ['sre'] },
    { idpGroup: 'Countersign Security', groups: ['security'] },
  ],
});

describe('resolveSignIn: who a signed-in user is', () => {
  it('given a linked oidc identity, when signing in with the IdP group, then it is that principal with the directory groups', () => {
    const outcome = resolveSignIn(directory, { sub: '00u-alice', emailVerified: false, idpGroups: ['Countersign SRE', 'Everyone'] });
    assert.ok(outcome.ok);
    assert.equal(outcome.principal.id, 'alice');
    assert.equal(outcome.identity, 'oidc:00u-alice');
    assert.deepEqual(outcome.principal.groups, ['sre', 'payments']);
    assert.deepEqual(outcome.unsyncedGroups, []);
  });

  it('given no linked identity, when the token has a verified email, then the principal with that email (any case)', () => {
    const outcome = resolveSignIn(directory, { sub: 'x', email: 'bob@example.COM', emailVerified: true, idpGroups: ['Countersign Security'] });
    assert.ok(outcome.ok);
    assert.equal(outcome.principal.id, 'bob');
  });

  it('refuses an email the IdP has not verified', () => {
    assert.deepEqual(resolveSignIn(directory, { sub: 'x', email: 'bob@example.com', emailVerified: false, idpGroups: ['Countersign Security'] }), { ok: false, reason: 'unknown-user' });
  });

  it('does not match by email a principal linked to another OpenID subject', () => {
    assert.deepEqual(resolveSignIn(directory, { sub: 'someone-else', email: 'carol@example.com', emailVerified: true }), { ok: false, reason: 'unknown-user' });
  });

  it('refuses agents', () => {
    assert.deepEqual(resolveSignIn(directory, { sub: '00u-bot', emailVerified: false }), { ok: false, reason: 'agent', principal: 'bot' });
  });

  it('refuses an email several principals share', () => {
    const twice = directoryOf({ principals: [{ id: 'a', kind: 'human', email: 'x@example.com' }, { id: 'b', kind: 'human', email: 'X@example.com' }] });
    assert.deepEqual(resolveSignIn(twice, { sub: 's', email: 'x@example.com', emailVerified: true }), { ok: false, reason: 'ambiguous-email' });
  });

  it('given an IdP group removed at the IdP, when the directory still lists its group, then sign-in is refused naming it', () => {
    assert.deepEqual(resolveSignIn(directory, { sub: '00u-alice', emailVerified: false, idpGroups: ['Everyone'] }), { ok: false, reason: 'groups-revoked', principal: 'alice', groups: ['sre'] });
    assert.deepEqual(resolveSignIn(directory, { sub: '00u-alice', emailVerified: false }), { ok: false, reason: 'groups-revoked', principal: 'alice', groups: ['sre'] });
  });

  it('given an IdP group the directory does not give yet, then it is reported unsynced and not granted', () => {
    const outcome = resolveSignIn(directory, { sub: '00u-carol', emailVerified: false, idpGroups: ['Countersign Security'] });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.principal.groups, []);
    assert.deepEqual(outcome.unsyncedGroups, ['security']);
  });
});

describe('groupMappings in principals files', () => {
  it('refuses one IdP group mapped twice, naming the line', () => {
    const text = stringify({ apiVersion: 'countersign.dev/v1', kind: 'PrincipalList', spec: { principals: [], groupMappings: [{ idpGroup: 'G', groups: ['a'] }, { idpGroup: 'G', groups: ['b'] }] } });
    const loaded = loadDirectory([{ path: 'p.yaml', text }]);
    assert.equal(loaded.ok, false);
    assert.match(loaded.ok ? '' : loaded.errors.map(formatDirectoryError).join('\n'), /\/spec\/groupMappings\/1\/idpGroup duplicates the mapping of IdP group "G"/);
  });

  it('refuses a mapping to no group or to a group that is not a name', () => {
    for (const groups of [[], ['Not A Name']]) {
      const text = stringify({ apiVersion: 'countersign.dev/v1', kind: 'PrincipalList', spec: { principals: [], groupMappings: [{ idpGroup: 'G', groups }] } });
      assert.equal(loadDirectory([{ path: 'p.yaml', text }]).ok, false, JSON.stringify(groups));
    }
  });
});

describe('groupMappingRule properties', () => {
  const group = fc.constantFrom('sre', 'security', 'payments', 'db', 'ops');
  const idpGroup = fc.constantFrom('G1', 'G2', 'G3', 'G4', 'Everyone');
  const mappings = fc.uniqueArray(fc.record({ idpGroup, groups: fc.uniqueArray(group, { minLength: 1, maxLength: 3 }) }), { selector: (m) => m.idpGroup, maxLength: 4 });
  const groups: fc.Arbitrary<string[]> = fc.uniqueArray(group, { maxLength: 5 });
  const claim = fc.option(fc.uniqueArray(idpGroup, { maxLength: 5 }), { nil: undefined });

  it('never accepts a directory group the IdP governs without a mapped IdP group in the token', () => {
    fc.assert(fc.property(mappings, groups, claim, (m: GroupMapping[], dir, idp) => {
      const { revoked } = groupMappingRule(m, dir, idp);
      const granted = new Set(mappedGroups(m, idp ?? []));
      const governed = new Set(m.flatMap((x) => x.groups));
      return dir.every((g) => !governed.has(g) || granted.has(g) || revoked.includes(g));
    }), { numRuns: 500 });
  });

  it('unsynced groups are mapped ones the directory lacks; revoked ones are the directory\'s own', () => {
    fc.assert(fc.property(mappings, groups, claim, (m: GroupMapping[], dir: string[], idp) => {
      const { revoked, unsynced } = groupMappingRule(m, dir, idp);
      const granted = mappedGroups(m, idp ?? []);
      return unsynced.every((g) => granted.includes(g) && !dir.includes(g)) && revoked.every((g) => dir.includes(g));
    }), { numRuns: 500 });
  });

  it('removing an IdP group from the token never turns a refusal into a sign-in', () => {
    fc.assert(fc.property(mappings, groups, fc.uniqueArray(idpGroup, { minLength: 1, maxLength: 5 }), fc.nat(), (m: GroupMapping[], dir, idp, k) => {
      const fewer = idp.filter((_, i) => i !== k % idp.length);
      return groupMappingRule(m, dir, idp).revoked.length === 0 || groupMappingRule(m, dir, fewer).revoked.length > 0;
    }), { numRuns: 500 });
  });
});
