import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDirectoryError, hashApiKey, loadDirectory, type PrincipalFile } from './index.ts';

// Principals written after this header start on line 5.
const HEADER = `apiVersion: countersign.dev/v1
kind: PrincipalList
spec:
  principals:
`;
const FILE = 'config/principals/x.yaml';
const H1 = hashApiKey('key-1');
const H2 = hashApiKey('key-2');
// Two Ed25519 public keys as JWK x (any 32 bytes spell one; the loader checks the spelling).
const X1 = Buffer.alloc(32, 1).toString('base64url');
const X2 = Buffer.alloc(32, 2).toString('base64url');

function messages(files: PrincipalFile[]): string[] {
  const loaded = loadDirectory(files);
  assert.equal(loaded.ok, false, 'the principals should have been rejected');
  return loaded.ok ? [] : loaded.errors.map(formatDirectoryError);
}

const principals = (body: string) => [{ path: FILE, text: HEADER + body }];

describe('invalid principals files', () => {
  const cases: { name: string; files: PrincipalFile[]; expected: string[] }[] = [
    {
      name: 'an unknown kind',
      files: principals('    - id: a\n      kind: robot\n'),
      expected: [`${FILE}:6: /spec/principals/0/kind must be one of human, agent`],
    },
    {
      name: 'a missing kind points at the principal',
      files: principals('    - id: a\n      groups: [g]\n'),
      expected: [`${FILE}:5: /spec/principals/0/kind is required`],
    },
    {
      name: 'an unknown property',
      files: principals('    - id: a\n      kind: human\n      password: hunter2\n'),
      expected: [`${FILE}:7: /spec/principals/0/password is not an allowed property`],
    },
    {
      name: 'an id that is not a name',
      files: principals('    - id: Alice\n      kind: human\n'),
      expected: [`${FILE}:5: /spec/principals/0/id must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got "Alice")`],
    },
    {
      name: 'an unknown role',
      files: principals('    - id: a\n      kind: human\n      roles: [approver]\n'),
      expected: [`${FILE}:7: /spec/principals/0/roles/0 must be one of auditor, admin`],
    },
    {
      name: 'a bad email',
      files: principals('    - id: a\n      kind: human\n      email: alice-at-example\n'),
      expected: [`${FILE}:7: /spec/principals/0/email must be a valid email (got "alice-at-example")`],
    },
    {
      name: 'an identity without a provider',
      files: principals('    - id: a\n      kind: human\n      identities:\n        - U0ALICE\n'),
      expected: [`${FILE}:8: /spec/principals/0/identities/0 must be provider:id, e.g. slack:U0ALICE (got "U0ALICE")`],
    },
    {
      name: 'a key stored in clear instead of its hash',
      files: principals('    - id: a\n      kind: human\n      apiKeys:\n        - id: a-1\n          sha256: alice-key\n'),
      expected: [`${FILE}:9: /spec/principals/0/apiKeys/0/sha256 must be 64 lowercase hex digits: the SHA-256 of the key, never the key itself (got "alice-key")`],
    },
    {
      name: 'a key without an id',
      files: principals(`    - id: a\n      kind: human\n      apiKeys:\n        - sha256: ${H1}\n`),
      expected: [`${FILE}:8: /spec/principals/0/apiKeys/0/id is required`],
    },
    {
      name: 'a duplicate principal id across files',
      files: [
        { path: 'b.yaml', text: HEADER + '    - id: a\n      kind: human\n' },
        { path: 'a.yaml', text: HEADER + '    - id: z\n      kind: human\n    - id: a\n      kind: agent\n' },
      ],
      expected: ['b.yaml:5: /spec/principals/0/id duplicates principal id "a" (first defined at a.yaml:7)'],
    },
    {
      name: 'a duplicate key id',
      files: principals(`    - id: a\n      kind: human\n      apiKeys: [{ id: k, sha256: ${H1} }]\n    - id: b\n      kind: human\n      apiKeys: [{ id: k, sha256: ${H2} }]\n`),
      expected: [`${FILE}:10: /spec/principals/1/apiKeys/0/id duplicates API key id "k" (first used by a at ${FILE}:7)`],
    },
    {
      name: 'one key hash for two keys',
      files: principals(`    - id: a\n      kind: human\n      apiKeys: [{ id: k1, sha256: ${H1} }]\n    - id: b\n      kind: human\n      apiKeys: [{ id: k2, sha256: ${H1} }]\n`),
      expected: [`${FILE}:10: /spec/principals/1/apiKeys/0/sha256 is the same key as k1 of a at ${FILE}:7`],
    },
    {
      name: 'a signing key that is not an Ed25519 public key',
      files: principals('    - id: a\n      kind: agent\n      signingKeys:\n        - id: k1\n          publicKey: "-----BEGIN PRIVATE KEY-----"\n'),
      expected: [`${FILE}:9: /spec/principals/0/signingKeys/0/publicKey must be an Ed25519 public key as a JWK's x: 43 base64url characters (see docs/kafka-producers.md) (got "-----BEGIN PRIVATE KEY-----")`],
    },
    {
      name: 'a signing key whose last character spells no 32-byte key',
      files: principals(`    - id: a\n      kind: agent\n      signingKeys: [{ id: k1, publicKey: ${X1.slice(0, 42)}B }]\n`),
      expected: [`${FILE}:7: /spec/principals/0/signingKeys/0/publicKey must be an Ed25519 public key as a JWK's x: 43 base64url characters (see docs/kafka-producers.md) (got "${X1.slice(0, 42)}B")`],
    },
    {
      name: 'a signing key id used twice by one principal, and one public key for two principals',
      files: principals(`    - id: a\n      kind: agent\n      signingKeys: [{ id: k, publicKey: ${X1} }, { id: k, publicKey: ${X2} }]\n    - id: b\n      kind: agent\n      signingKeys: [{ id: k, publicKey: ${X1} }]\n`),
      expected: [
        `${FILE}:7: /spec/principals/0/signingKeys/1/id duplicates signing key id "k" (first used by a at ${FILE}:7)`,
        `${FILE}:10: /spec/principals/1/signingKeys/0/publicKey is the same public key as k of a at ${FILE}:7`,
      ],
    },
    {
      name: "the gateway's service principal",
      files: principals('    - id: countersign-gateway\n      kind: agent\n'),
      expected: [`${FILE}:5: /spec/principals/0/id "countersign-gateway" is reserved for the gateway's service principal (its key is configured, not listed)`],
    },
    {
      name: 'an identity linked to two principals',
      files: principals('    - id: a\n      kind: human\n      identities: ["slack:U1"]\n    - id: b\n      kind: human\n      identities: ["slack:U2", "slack:U1"]\n'),
      expected: [`${FILE}:10: /spec/principals/1/identities/1 "slack:U1" is already linked to a at ${FILE}:7`],
    },
    {
      name: 'an identity listed twice for one principal',
      files: principals('    - id: a\n      kind: human\n      identities: ["slack:U1", "slack:U1"]\n'),
      expected: [`${FILE}:7: /spec/principals/0/identities must not repeat an item (items 0 and 1 are equal)`],
    },
    {
      name: 'an owner that does not exist',
      files: principals('    - id: bot\n      kind: agent\n      owner: zed\n'),
      expected: [`${FILE}:7: /spec/principals/0/owner names no known principal ("zed")`],
    },
    {
      name: 'an owner that is not human',
      files: principals('    - id: bot\n      kind: agent\n      owner: other\n    - id: other\n      kind: agent\n'),
      expected: [`${FILE}:7: /spec/principals/0/owner must be a human (other is an agent)`],
    },
    {
      name: 'an owner on a human',
      files: principals('    - id: a\n      kind: human\n      owner: b\n    - id: b\n      kind: human\n'),
      expected: [`${FILE}:7: /spec/principals/0/owner is only allowed on agents (a is a human)`],
    },
    {
      name: 'owns globs that are not canonical, negated, or could never match',
      files: principals('    - id: a\n      kind: human\n      owns: ["/prod/**", "prod//x", "!prod/**", "prod\\\\x", "prod/**"]\n'),
      expected: [
        `${FILE}:7: /spec/principals/0/owns/0 is not in canonical form (resources have no empty, "." or ".." segments and no leading or trailing "/", and a glob is written as the paths it matches): write "prod/**"`,
        `${FILE}:7: /spec/principals/0/owns/1 is not in canonical form (resources have no empty, "." or ".." segments and no leading or trailing "/", and a glob is written as the paths it matches): write "prod/x"`,
        `${FILE}:7: /spec/principals/0/owns/2 is negated ("!…"), which is not supported: a pattern matches what it names. For an exception, add a condition (when: 'action != "data.read"') or a more specific rule (deny beats require_approval beats allow)`,
        `${FILE}:7: /spec/principals/0/owns/3 contains a backslash, which no resource path contains; separate segments with "/", and match a literal *, ? or [ with [*], [?] or [[]`,
      ],
    },
    {
      name: 'the wrong kind of file',
      files: [{ path: FILE, text: 'apiVersion: countersign.dev/v1\nkind: PolicySet\nspec: { principals: [] }\n' }],
      expected: [`${FILE}:2: /kind must be PrincipalList (got "PolicySet")`],
    },
    {
      name: 'a missing principals list',
      files: [{ path: FILE, text: 'apiVersion: countersign.dev/v1\nkind: PrincipalList\nspec: {}\n' }],
      expected: [`${FILE}:3: /spec/principals is required`],
    },
    {
      name: 'a key written twice',
      files: principals('    - id: a\n      id: b\n'),
      expected: [`${FILE}:6: YAML syntax error: Map keys must be unique`],
    },
  ];

  for (const c of cases) {
    it(`names file, line and field: ${c.name}`, () => {
      assert.deepEqual(messages(c.files), c.expected);
    });
  }

  it('names file and line of a YAML syntax error, in one line', () => {
    const found = messages(principals('    - id: a\n      groups: [x, }\n'));
    assert.ok(found.length > 0);
    for (const m of found) assert.match(m, /^config\/principals\/x\.yaml:6: YAML syntax error: [^\n]+$/);
  });
});

describe('signing keys', () => {
  it('are kept with their principal, public keys only', () => {
    const loaded = loadDirectory(principals(`    - id: etl\n      kind: agent\n      signingKeys: [{ id: etl-2026, publicKey: ${X1} }]\n    - id: a\n      kind: human\n`));
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.directory.get('etl')?.signingKeys, [{ id: 'etl-2026', publicKey: X1 }]);
    assert.equal(loaded.directory.get('a')?.signingKeys, undefined, 'a principal without keys signs nothing');
  });
});
