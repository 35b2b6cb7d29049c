import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileSpec, inputOf } from './testing/policy-test-kit.ts';
import type { PolicyInput } from './index.ts';

describe('matching on requester, environment and labels', () => {
  // given rules that narrow by who asks and where
  const policy = compileSpec({
    rules: [
      { id: 'bots-read', match: { action: 'data.read', requester: { kind: 'agent' } }, effect: 'allow' },
      { id: 'deployers', match: { action: 'deploy.*', requester: { principals: ['deploy-bot-*'] } }, effect: 'allow' },
      { id: 'sre-restart', match: { action: 'ops.restart', requester: { groups: ['sre', 'oncall'], kind: 'human' } }, effect: 'allow' },
      { id: 'prod-deploy', match: { action: 'deploy.*', environment: ['prod', 'prod-*'] }, effect: 'require_approval', approval: { groups: ['release'] } },
      { id: 'pci', match: { action: '*', labels: { compliance: ['pci', 'sox'], tier: '1' } }, effect: 'deny' },
    ],
  });
  const human = (groups: string[]) => ({ id: 'carol', kind: 'human' as const, groups });

  const cases: { name: string; given: PolicyInput; outcome: string; rule: string }[] = [
    { name: 'kind agent matches an agent', given: inputOf('data.read'), outcome: 'allow', rule: 'bots-read' },
    { name: 'kind agent does not match a human', given: inputOf('data.read', { requester: human([]) }), outcome: 'deny', rule: 'default' },
    { name: 'a principal glob', given: inputOf('deploy.app', { requester: { id: 'deploy-bot-7', kind: 'agent', groups: [] } }), outcome: 'allow', rule: 'deployers' },
    { name: 'a principal the glob does not cover', given: inputOf('deploy.app'), outcome: 'deny', rule: 'default' },
    { name: 'any one of the groups, and the kind', given: inputOf('ops.restart', { requester: human(['oncall']) }), outcome: 'allow', rule: 'sre-restart' },
    { name: 'in the group but of the wrong kind', given: inputOf('ops.restart', { requester: { id: 'bot', kind: 'agent', groups: ['sre'] } }), outcome: 'deny', rule: 'default' },
    {
      name: 'an environment glob from the context',
      given: inputOf('deploy.app', { requester: { id: 'deploy-bot-1', kind: 'agent', groups: [] }, context: { environment: 'prod-eu' } }),
      outcome: 'require_approval',
      rule: 'prod-deploy',
    },
    {
      name: 'another environment',
      given: inputOf('deploy.app', { requester: { id: 'deploy-bot-1', kind: 'agent', groups: [] }, context: { environment: 'staging' } }),
      outcome: 'allow',
      rule: 'deployers',
    },
    { name: 'a proposal that names no environment cannot match a rule that asks for one', given: inputOf('deploy.app', { context: {} }), outcome: 'deny', rule: 'default' },
    { name: 'every label must match', given: inputOf('data.read', { context: { labels: { compliance: 'pci', tier: '1' } } }), outcome: 'deny', rule: 'pci' },
    { name: 'one label missing', given: inputOf('x.y', { context: { labels: { compliance: 'sox' } } }), outcome: 'deny', rule: 'default' },
    { name: 'a label with another value', given: inputOf('data.read', { context: { labels: { compliance: 'hipaa', tier: '1' } } }), outcome: 'allow', rule: 'bots-read' },
    { name: 'a label that is not a string never matches', given: inputOf('data.read', { context: { labels: { compliance: ['pci'], tier: '1' } } }), outcome: 'allow', rule: 'bots-read' },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = policy.evaluate(c.given);
      assert.deepEqual({ outcome: result.outcome, rule: result.rule }, { outcome: c.outcome, rule: c.rule });
    });
  }
});
