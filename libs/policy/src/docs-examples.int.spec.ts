import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatPolicyError, loadPolicySet, type CompiledPolicySet, type PolicyInput } from './index.ts';

// The examples of docs/policy.md, read from the page itself: what the reference shows must load and
// decide as its prose says.
const PAGE = fileURLToPath(new URL('../../../docs/policy.md', import.meta.url));

function examples(): CompiledPolicySet {
  const text = readFileSync(PAGE, 'utf8');
  const section = text.slice(text.indexOf('\n## Examples\n'), text.indexOf('\n## Principals files\n'));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes('kind: PolicySet'));
  assert.ok(blocks.length >= 4, `found ${blocks.length} policy examples`);
  const loaded = loadPolicySet(blocks.map((b, i) => ({ path: `docs/policy.md#example-${i}.yaml`, text: b })));
  assert.ok(loaded.ok, !loaded.ok ? loaded.errors.map(formatPolicyError).join('\n') : '');
  return loaded.policy;
}

const noon = new Date('2026-11-23T11:00:00Z');
const night = new Date('2026-11-23T23:30:00Z');
const human = { id: 'alice', kind: 'human' as const, groups: [] };
const agent = { id: 'report-agent', kind: 'agent' as const, groups: [] };
const input = (action: string, resource: string, more: Partial<PolicyInput> = {}): PolicyInput => ({ action, resource, params: {}, requester: human, now: noon, ...more });

describe('docs/policy.md examples', () => {
  const policy = examples();
  const cases: { name: string; given: PolicyInput; outcome: string; rule: string }[] = [
    { name: 'reads run', given: input('data.list', 'prod/x'), outcome: 'allow', rule: 'data-read' },
    { name: 'a personal-data export without justification is denied', given: input('data.export', 'prod/pii/patients'), outcome: 'deny', rule: 'pii-export' },
    { name: 'with one it needs a steward and privacy', given: input('data.export', 'prod/pii/patients', { justification: 'subject access request' }), outcome: 'require_approval', rule: 'pii-export' },
    { name: 'agents export personal data in the day only', given: input('data.export', 'prod/pii/patients', { requester: agent, now: night, justification: 'x' }), outcome: 'deny', rule: 'pii-night' },
    { name: 'huge exports', given: input('data.export', 'staging/x', { params: { rows: 2_000_000 }, justification: 'archive' }), outcome: 'require_approval', rule: 'huge-export' },
    { name: 'production exports', given: input('data.export', 'prod/orders'), outcome: 'require_approval', rule: 'prod-export' },
    { name: 'root is never granted', given: input('iam.grant', 'iam/role/root', { justification: 'x' }), outcome: 'deny', rule: 'iam-root' },
    { name: 'untrusted agents get no admin role', given: input('iam.grant', 'iam/role/db-admin', { requester: agent, justification: 'x' }), outcome: 'deny', rule: 'iam-untrusted-agents' },
    { name: 'staging infrastructure runs', given: input('infra.apply', 'staging/web', { context: { environment: 'staging' } }), outcome: 'allow', rule: 'infra-staging' },
    { name: 'production infrastructure waits', given: input('infra.apply', 'prod/web', { context: { environment: 'prod' } }), outcome: 'require_approval', rule: 'infra-prod' },
    { name: 'a freeze denies', given: input('infra.apply', 'prod/web', { context: { environment: 'prod', freeze: true } }), outcome: 'deny', rule: 'infra-freeze' },
    { name: 'PCI without a ticket', given: input('infra.apply', 'prod/pay', { context: { labels: { compliance: 'pci' } } }), outcome: 'deny', rule: 'infra-pci' },
    { name: 'PCI with a ticket', given: input('infra.apply', 'prod/pay', { context: { labels: { compliance: 'pci' }, ticket: 'CHG-77' } }), outcome: 'require_approval', rule: 'infra-prod' },
    { name: 'anything else waits for security', given: input('vm.reboot', 'prod/web-1'), outcome: 'require_approval', rule: 'default' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = policy.evaluate(c.given);
      assert.deepEqual({ outcome: result.outcome, rule: result.rule }, { outcome: c.outcome, rule: c.rule }, result.explanation);
    });
  }

  it('break-glass and owners are carried on the requirements', () => {
    assert.deepEqual(policy.evaluate(input('iam.escalate', 'iam/role/reader', { justification: 'x' })).approval?.breakGlass, { groups: ['oncall-leads'], reviewGroups: ['security'], reviewWithinSeconds: 86400 });
    assert.deepEqual(policy.evaluate(input('infra.apply', 'prod/payments/api', { resourceOwners: ['dana'] })).approval?.owners, ['dana']);
  });
});
