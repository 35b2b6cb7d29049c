import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readOutboundAllow } from '@countersign/contracts';
import { Problem } from './problem.ts';
import { callbackUrlProblem, checker, proposeActionBody, reviewBody } from './request-schemas.ts';

const parsePropose = checker<{ callbackUrl?: string }>(proposeActionBody, 'body');
const proposal = (callbackUrl: unknown) => ({ action: 'data.export', resource: 'prod/x', callbackUrl });

/** The distinct pointers a 400 names, or [] when the body passes. */
function pointers(body: unknown): string[] {
  try {
    parsePropose(body);
    return [];
  } catch (error) {
    assert.ok(error instanceof Problem && error.status === 400, String(error));
    return [...new Set((error.errors ?? []).map((e) => e.pointer ?? ''))];
  }
}

describe('the callback URL of a proposal', () => {
  it('given an https URL, when proposed, then it is accepted', () => {
    assert.deepEqual(pointers(proposal('https://ci.example.com/hooks/42?run=7')), []);
    assert.equal(callbackUrlProblem('https://ci.example.com/hooks/42?run=7'), undefined);
  });

  it('given plain http to this machine, then it is accepted only when the outbound allowlist names it (tests and local use)', () => {
    const allow = readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: 'localhost, 127.0.0.1' });
    for (const url of ['http://localhost:8080/cb', 'http://127.0.0.1:43123/hooks/1']) {
      assert.deepEqual(pointers(proposal(url)), [], url);
      assert.equal(callbackUrlProblem(url, allow), undefined, url);
      assert.match(callbackUrlProblem(url) ?? '', /COUNTERSIGN_OUTBOUND_ALLOW/, url);
    }
  });

  it('given plain http to any other host, then it is refused, naming https', () => {
    for (const url of ['http://ci.example.com/cb', 'http://10.0.0.8/cb', 'http://localhost.example.com/cb', 'http://[::2]/cb']) {
      assert.match(callbackUrlProblem(url) ?? '', /https/, url);
    }
  });

  it('given a URL with a user name or password, then it is refused: the view would show them', () => {
    assert.match(callbackUrlProblem('https://user:secret@ci.example.com/cb') ?? '', /password/);
  });

  it('given something that is not an http(s) URL, then the body check names /callbackUrl', () => {
    for (const bad of ['ftp://ci.example.com/cb', 'ci.example.com/cb', 'javascript:alert(1)', '', 42, `https://ci.example.com/${'x'.repeat(2100)}`]) {
      assert.deepEqual(pointers(proposal(bad)), ['/callbackUrl'], String(bad).slice(0, 40));
    }
  });
});

describe('the body of a review', () => {
  const parseReview = checker<{ verdict: string; comment: string }>(reviewBody, 'body');
  const named = (body: unknown) => {
    try {
      parseReview(body);
      return [];
    } catch (error) {
      assert.ok(error instanceof Problem && error.status === 400, String(error));
      return [...new Set((error.errors ?? []).map((e) => e.pointer ?? ''))].sort();
    }
  };

  it('given a verdict and a comment, then it is accepted', () => {
    assert.deepEqual(named({ verdict: 'upheld', comment: 'INC-1 confirms it' }), []);
    assert.deepEqual(named({ verdict: 'concerns', comment: 'no ticket' }), []);
  });

  it('given an unknown verdict, a blank or missing comment, or a stray field, then the 400 names each', () => {
    assert.deepEqual(named({ verdict: 'fine', comment: ' \n' }), ['/comment', '/verdict']);
    assert.deepEqual(named({ verdict: 'upheld' }), ['/comment']);
    assert.deepEqual(named(undefined), ['/comment', '/verdict']);
    assert.deepEqual(named({ verdict: 'upheld', comment: 'ok', breakGlass: true }), ['/breakGlass']);
  });
});
