import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyInput } from '@countersign/policy';
import { disagreements } from './opa.ts';

const input = (action: string): PolicyInput => ({ action, resource: 'prod/a', params: {}, requester: { id: 'agent-1', kind: 'agent', groups: [] } });

describe('disagreements between Countersign and OPA', () => {
  it('lists every input whose outcome or deciding rule differs, and inputs OPA did not decide', () => {
    // Given three inputs: one decided alike, one by another rule, one missing from OPA's answer
    const inputs = [input('data.read'), input('data.export'), input('iam.write')];
    const countersign = [
      { outcome: 'allow', rule: 'r1' },
      { outcome: 'require_approval', rule: 'r2' },
      { outcome: 'deny', rule: 'default' },
    ];
    const opa = [{ outcome: 'allow', rule: 'r1' }, { outcome: 'require_approval', rule: 'r7' }];

    // When compared
    const found = disagreements(inputs, countersign, opa);

    // Then the second and third are reported with both decisions
    assert.deepEqual(found.map((d) => [d.index, d.countersign.rule, d.opa?.rule]), [
      [1, 'r2', 'r7'],
      [2, 'default', undefined],
    ]);
  });
});
