import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeRequirementChange, formatSeconds, requirementDirection, sameRequirement } from '@countersign/policy';
import { requirement } from './simulation-fixtures.ts';

describe('approval requirement changes', () => {
  const cases = [
    { name: 'groups in another order are the same', then: requirement(['a', 'b']), now: requirement(['b', 'a']), same: true, direction: 'differs', changes: [] },
    { name: 'a higher quorum tightens', then: requirement(['a']), now: requirement(['a'], 2), same: false, direction: 'tightens', changes: ['quorum 1 → 2'] },
    { name: 'a lower quorum loosens', then: requirement(['a'], 3), now: requirement(['a'], 2), same: false, direction: 'loosens', changes: ['quorum 3 → 2'] },
    { name: 'more eligible groups loosen', then: requirement(['a']), now: requirement(['a', 'b']), same: false, direction: 'loosens', changes: ['groups a → a, b'] },
    { name: 'fewer eligible principals tighten', then: requirement([], 1, { principals: ['p', 'q'] }), now: requirement([], 1, { principals: ['p'] }), same: false, direction: 'tightens', changes: ['principals p, q → p'] },
    { name: 'requiring distinct groups tightens', then: requirement(['a', 'b'], 2), now: requirement(['a', 'b'], 2, { distinctGroups: true }), same: false, direction: 'tightens', changes: ['distinct groups off → on'] },
    { name: 'other groups differ', then: requirement(['a']), now: requirement(['b']), same: false, direction: 'differs', changes: ['groups a → b'] },
    { name: 'a higher quorum from more groups differs', then: requirement(['a']), now: requirement(['a', 'b'], 2), same: false, direction: 'differs', changes: ['quorum 1 → 2', 'groups a → a, b'] },
    { name: 'a longer timeout is a change in no direction', then: requirement(['a']), now: requirement(['a'], 1, { timeoutSeconds: 7200 }), same: false, direction: 'differs', changes: ['timeout 1h → 2h'] },
    {
      name: 'a new break-glass clause loosens',
      then: requirement(['a']), now: requirement(['a'], 1, { breakGlass: { groups: ['sre'], reviewGroups: ['security'], reviewWithinSeconds: 86400 } }),
      same: false, direction: 'loosens', changes: ['break-glass (none) → sre, reviewed by security'],
    },
    {
      name: 'a new escalation is a change in no direction',
      then: requirement(['a']), now: requirement(['a'], 1, { escalation: { afterSeconds: 1800, groups: ['b'] } }),
      same: false, direction: 'differs', changes: ['escalation (none) → after 30m to b'],
    },
    { name: 'other channels are the same requirement', then: requirement(['a'], 1, { channels: ['slack:#x'] }), now: requirement(['a']), same: true, direction: 'differs', changes: [] },
    { name: 'losing every group says (none)', then: requirement(['a'], 1, { principals: ['p'] }), now: requirement([], 1, { principals: ['p'] }), same: false, direction: 'tightens', changes: ['groups a → (none)'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(sameRequirement(c.then, c.now), c.same);
      assert.equal(requirementDirection(c.then, c.now), c.direction);
      assert.deepEqual(describeRequirementChange(c.then, c.now), c.changes);
    });
  }

  it('writes durations in their largest whole unit', () => {
    assert.deepEqual([90, 120, 3600, 5400, 86400, 1].map(formatSeconds), ['90s', '2m', '1h', '90m', '1d', '1s']);
  });
});
