import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError, problemCode, problemText, toProblem } from './problem.ts';

describe('problems as the console shows them', () => {
  it('given a refusal with fields, when shown, then title, detail and each field are said', () => {
    const problem = toProblem(400, {
      type: 'https://countersign.dev/problems/invalid-request', title: 'Your request is not valid.', detail: 'reason: is required',
      errors: [{ pointer: '/reason', detail: 'is required' }],
    });
    assert.equal(problemText(problem), 'Your request is not valid. — reason: is required — /reason: is required');
    assert.equal(new ApiError(400, problem).code, 'invalid-request');
  });

  it('given an answer that is not a problem, when shown, then the status is said', () => {
    assert.equal(problemText(toProblem(502, 'Bad Gateway')), 'The server answered 502.');
    assert.equal(problemCode(toProblem(500, [])), '');
    assert.equal(problemText(toProblem(422, { title: 'No.', errors: [null, 5, { detail: 7 }, { header: 'X', detail: 'bad' }] })), 'No. — X: bad');
  });

  it('property: any JSON body gives a non-empty text and never throws', () => {
    fc.assert(fc.property(fc.integer({ min: 400, max: 599 }), fc.oneof(fc.jsonValue(), fc.record({ title: fc.jsonValue(), errors: fc.array(fc.jsonValue()) })), (status, body) => {
      const problem = toProblem(status, body);
      assert.ok(problemText(problem).length > 0);
      assert.equal(typeof problemCode(problem), 'string');
    }), { numRuns: 500 });
  });
});
