import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readSlackPayload } from './slack-form.ts';
import { denyModal } from './slack-modal.ts';
import { DENY_MODAL_ID, REASON_BLOCK_ID, REASON_INPUT_ID, REASON_POINTER, toInteraction, type SlackInteraction } from './slack-payload.ts';

const HASH = 'a'.repeat(64);
const click = (value: string, o: { actionTs?: string; user?: string; team?: Record<string, unknown> | null; userTeam?: string } = {}) => ({
  type: 'block_actions',
  user: { id: o.user ?? 'U0BOB', ...(o.userTeam !== undefined ? { team_id: o.userTeam } : {}) },
  team: o.team === undefined ? { id: 'T1' } : o.team,
  trigger_id: 'trig-1',
  response_url: 'https://hooks.slack.com/actions/T1/1/x',
  actions: [{ action_id: 'countersign_approve', value, action_ts: o.actionTs ?? '1700000000.000100' }],
});
const form = (json: string) => Buffer.from(`payload=${encodeURIComponent(json)}`);
const submission = (reason: unknown, meta: string = denyModal({ actionId: 'act-1', paramsHash: HASH }, 'Deny?', 'https://hooks.slack.com/actions/T1/1/x').private_metadata) => ({
  type: 'view_submission',
  user: { id: 'U0BOB', team_id: 'T1' },
  view: { id: 'V1', callback_id: DENY_MODAL_ID, private_metadata: meta, state: { values: { [REASON_BLOCK_ID]: { [REASON_INPUT_ID]: { value: reason } } } } },
});
const invalid = (i: SlackInteraction) => (i.kind === 'invalid' ? i.pointer : `not invalid: ${i.kind}`);

describe('Slack form bodies', () => {
  it('given payload=<JSON>, reads the object', () => {
    assert.deepEqual(readSlackPayload(form('{"type":"x"}')), { ok: true, payload: { type: 'x' } });
    assert.deepEqual(readSlackPayload(Buffer.from('payload=%7B%22a%22%3A%22b+c%22%7D')), { ok: true, payload: { a: 'b c' } }, '+ is a space');
  });

  it('refuses, naming the field: no payload, two payloads, raw non-ASCII bytes, bad percent-encoding, not an object', () => {
    const detail = (body: string | Buffer) => {
      const read = readSlackPayload(Buffer.isBuffer(body) ? body : Buffer.from(body));
      return read.ok ? 'accepted' : read.problems.map((p) => `${p.parameter}${p.pointer ?? ''}: ${p.detail}`).join('; ');
    };
    assert.match(detail('other=1'), /^payload: is missing/);
    assert.match(detail('payload=%7B%7D&payload=%7B%7D'), /^payload: is given 2 times/);
    assert.match(detail(Buffer.from('payload={"a":"é"}')), /^body: is not a URL-encoded form/);
    assert.match(detail('payload=%7B%22a%22%3A%22%ED%A0%80%22%7D'), /^payload: is not percent-encoded UTF-8/, 'a surrogate encoded as UTF-8 bytes');
    assert.match(detail('payload=%5B1%5D'), /^payload\/: is not a JSON object/);
  });

  it('refuses the payload JSON as parseStrictJson does: duplicate keys, depth, lone surrogates, size', () => {
    const problems = (json: string) => {
      const read = readSlackPayload(form(json));
      return read.ok ? [] : read.problems.map((p) => [p.pointer, p.detail]);
    };
    assert.deepEqual(problems('{"user":{"id":"U1","id":"U2"}}'), [['/user/id', 'is a duplicate key: each member name may appear once per object']]);
    assert.match(String(problems(`{"a":${'['.repeat(40)}${']'.repeat(40)}}`)[0]), /nested more than 32 levels/);
    assert.deepEqual(problems('{"text":"bye \\ud800"}').map(([p]) => p), ['/text']);
    assert.match(String(problems(JSON.stringify({ long: 'x'.repeat(20_000) }))[0]), /at most 16384/);
  });
});

describe('Slack interactions', () => {
  it('reads a button value with the params hash, and the old form without it', () => {
    const bound = toInteraction(click(`act-1:${HASH}`));
    assert.ok(bound.kind === 'click');
    assert.equal(bound.actionId, 'act-1');
    assert.equal(bound.paramsHash, HASH);
    const old = toInteraction(click('act-1'));
    assert.ok(old.kind === 'click' && old.actionId === 'act-1' && old.paramsHash === undefined);
  });

  it('refuses a button value whose hash is not 64 lowercase hex digits, or whose action id is not one', () => {
    for (const value of [`act-1:${HASH.toUpperCase()}`, `act-1:${HASH.slice(1)}`, 'act-1:', `act-1:${HASH}:x`, `:${HASH}`, 'act 1', '']) {
      assert.equal(invalid(toInteraction(click(value))), '/actions/0/value', value);
    }
  });

  it('takes the workspace from the user (team_id), else from the payload\'s team; with neither it is refused', () => {
    const teamOf = (i: SlackInteraction) => (i.kind === 'click' ? i.user.teamId : invalid(i));
    assert.equal(teamOf(toInteraction(click('act-1', { userTeam: 'T2' }))), 'T2', 'a Slack Connect guest is of their own workspace');
    assert.equal(teamOf(toInteraction(click('act-1'))), 'T1');
    assert.equal(teamOf(toInteraction(click('act-1', { team: null }))), '/team/id');
    assert.equal(teamOf(toInteraction(click('act-1', { userTeam: 't-2' }))), '/user/team_id');
  });

  it('gives the same command id for the same click only (by workspace, user, button and click time)', () => {
    const id = (i: SlackInteraction) => (i.kind === 'click' ? i.commandId : '');
    const first = id(toInteraction(click('act-1')));
    assert.equal(first, id(toInteraction(click(`act-1:${HASH}`))));
    assert.notEqual(first, id(toInteraction(click('act-1', { actionTs: '1700000001.000100' }))));
    assert.notEqual(first, id(toInteraction(click('act-1', { user: 'U0ALICE' }))));
    assert.notEqual(first, id(toInteraction(click('act-1', { userTeam: 'T2' }))));
  });

  it('ignores what is not ours; refuses ours when a field is malformed, pointing at it', () => {
    assert.equal(toInteraction({ ...click('act-1'), actions: [{ action_id: 'somebody_elses', value: 'x' }] }).kind, 'ignored');
    assert.equal(toInteraction({ type: 'shortcut', user: { id: 'U1' } }).kind, 'ignored');
    assert.equal(invalid(toInteraction({ ...click('act-1'), user: undefined })), '/user/id');
    assert.equal(invalid(toInteraction(click('act-1', { actionTs: 'soon' }))), '/actions/0/action_ts');
    assert.equal(invalid(toInteraction({ ...click('act-1'), response_url: 'javascript:alert(1)' })), '/response_url');
    assert.equal(invalid(toInteraction({ ...click('act-1'), trigger_id: 42 })), '/trigger_id');
  });

  it('reads the reason, the action and its params hash from a submitted deny modal', () => {
    // given the modal we open, when Slack hands it back filled in
    const submitted = toInteraction(submission('  Not now  '));
    // then
    assert.ok(submitted.kind === 'deny-submission');
    assert.equal(submitted.actionId, 'act-1');
    assert.equal(submitted.paramsHash, HASH);
    assert.equal(submitted.reason, 'Not now');
    assert.equal(submitted.responseUrl, 'https://hooks.slack.com/actions/T1/1/x');
  });

  it('refuses a deny modal whose reason is too long or not text (under the reason), or whose metadata is not ours', () => {
    assert.equal(invalid(toInteraction(submission('x'.repeat(3001)))), REASON_POINTER);
    assert.equal(invalid(toInteraction(submission(42))), REASON_POINTER);
    assert.equal(toInteraction(submission(null)).kind, 'deny-submission', 'an empty input: the reason is asked for again');
    for (const meta of ['not json', '{"actionId":"a","actionId":"b"}', '{"actionId":"act-1","paramsHash":"xyz"}', '[]']) {
      assert.equal(invalid(toInteraction(submission('no', meta))), '/view/private_metadata', meta);
    }
  });

  it('never throws, whatever the form body: a payload or problems, and an interaction of a known kind', () => {
    const interesting = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 6 }).map((v) => form(JSON.stringify(v))),
      fc.record({ type: fc.constantFrom('block_actions', 'view_submission', 'x'), user: fc.jsonValue({ maxDepth: 2 }), team: fc.jsonValue({ maxDepth: 2 }),
        actions: fc.array(fc.record({ action_id: fc.constantFrom('countersign_approve', 'countersign_deny', 'x'), value: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })), action_ts: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 3 }),
        view: fc.record({ id: fc.jsonValue({ maxDepth: 1 }), callback_id: fc.constant(DENY_MODAL_ID), private_metadata: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))), state: fc.jsonValue({ maxDepth: 5 }) }) })
        .map((v) => form(JSON.stringify(v))),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => form(JSON.stringify({ type: 'block_actions', text: s }))),
    );
    fc.assert(fc.property(interesting, (body) => {
      const read = readSlackPayload(body);
      if (!read.ok) return assert.ok(read.problems.length > 0);
      assert.ok(['click', 'deny-submission', 'ignored', 'invalid'].includes(toInteraction(read.payload).kind));
    }), { numRuns: 1000 });
  });
});
