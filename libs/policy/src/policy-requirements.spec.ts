import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileSpec, inputOf } from './testing/policy-test-kit.ts';

describe('approval requirements', () => {
  const policy = compileSpec({
    defaults: { approval: { owners: true, groups: ['security'], timeout: '4h' } },
    rules: [
      {
        id: 'export',
        match: { action: 'data.export' },
        effect: 'require_approval',
        requireJustification: true,
        approval: {
          groups: ['data-stewards', 'security'],
          quorum: 2,
          distinctGroups: true,
          timeout: '2h',
          channels: ['slack:#data-approvals', 'webhook:siem'],
          escalation: { after: '30m', groups: ['data-leads'], channels: ['teams:leads'] },
          breakGlass: { groups: ['oncall-leads'], review: { groups: ['security'], within: '1d' } },
        },
      },
      { id: 'owned', match: { action: 'db.migrate' }, effect: 'require_approval', approval: { owners: true } },
      { id: 'justified-read', match: { action: 'data.read' }, effect: 'allow', requireJustification: true },
    ],
  });

  it('carries channels, escalation and break-glass in seconds', () => {
    // when an export with a justification is evaluated
    const result = policy.evaluate(inputOf('data.export', { justification: 'quarterly report' }));
    // then the requirement is complete, with durations in seconds
    assert.deepEqual(result.approval, {
      groups: ['data-stewards', 'security'],
      principals: [],
      quorum: 2,
      distinctGroups: true,
      timeoutSeconds: 7200,
      channels: ['slack:#data-approvals', 'webhook:siem'],
      escalation: { afterSeconds: 1800, groups: ['data-leads'], channels: ['teams:leads'] },
      breakGlass: { groups: ['oncall-leads'], reviewGroups: ['security'], reviewWithinSeconds: 86400 },
    });
    assert.match(result.explanation ?? '', /requires 2 approvals from distinct groups among data-stewards, security \(escalating to data-leads after 30m; break-glass by oncall-leads, reviewed by security within 1d; expiring after 2h\)/);
  });

  const justification = [
    { name: 'missing', given: undefined, outcome: 'deny' },
    { name: 'blank', given: '   ', outcome: 'deny' },
    { name: 'given', given: 'incident 42', outcome: 'require_approval' },
  ];
  for (const c of justification) {
    it(`a rule requiring a justification, justification ${c.name}: ${c.outcome}`, () => {
      const result = policy.evaluate(inputOf('data.export', c.given === undefined ? {} : { justification: c.given }));
      assert.equal(result.outcome, c.outcome);
      assert.equal(result.rule, 'export');
      if (c.outcome === 'deny') assert.equal(result.reason, 'rule export requires a justification and the proposal gave none');
    });
  }

  it('an allow rule requiring a justification denies without one', () => {
    assert.equal(policy.evaluate(inputOf('data.read')).outcome, 'deny');
    assert.equal(policy.evaluate(inputOf('data.read', { justification: 'debugging' })).outcome, 'allow');
  });

  it("names the resource's owners as approvers", () => {
    const result = policy.evaluate(inputOf('db.migrate', { resourceOwners: ['dana', 'bob', 'dana'] }));
    assert.deepEqual(result.approval?.principals, ['bob', 'dana']);
    assert.deepEqual(result.approval?.owners, ['bob', 'dana']);
    assert.equal(result.reason, "rule owned requires 1 approval from the resource's owners (bob, dana)");
  });

  it('a resource without known owners yields an empty owner list (the router then denies: nobody can approve)', () => {
    const result = policy.evaluate(inputOf('db.migrate'));
    assert.deepEqual(result.approval?.principals, []);
    assert.deepEqual(result.approval?.owners, []);
  });

  it('the default approval may name owners too, beside groups', () => {
    const result = policy.evaluate(inputOf('x.y', { resourceOwners: ['erin'] }));
    assert.equal(result.rule, 'default');
    assert.deepEqual(result.approval?.groups, ['security']);
    assert.deepEqual(result.approval?.principals, ['erin']);
    assert.equal(result.approval?.timeoutSeconds, 4 * 3600);
  });
});

describe('redacted parameters', () => {
  it('every evaluation carries the merged redaction globs of every file', () => {
    const policy = compileSpec({ redactParams: ['*password*', 'token'], rules: [{ id: 'r', match: { action: 'x' }, effect: 'allow' }] });
    assert.deepEqual(policy.evaluate(inputOf('x')).redactParams, ['*password*', 'token']);
    assert.deepEqual(policy.evaluate(inputOf('y')).redactParams, ['*password*', 'token']);
  });

  it('are absent when no file names any', () => {
    const policy = compileSpec({ rules: [{ id: 'r', match: { action: 'x' }, effect: 'allow' }] });
    assert.equal(policy.evaluate(inputOf('x')).redactParams, undefined);
  });
});
