import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { jsonValueProblems, RECORD_LIMITS } from '@countersign/contracts';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { blockActionsPayload, postInteraction, signSlack, startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startFakeTeams, type FakeTeams } from '../support/fake-teams.ts';
import { headerText, hostileJsonText, slackPayload, teamsActivity } from '../support/hostile-chat.ts';

const SECRET = 'e2e-chat-fuzz-signing-secret';
/** Requests per batch, and batches per channel (a routine proposal is decided after each): well under a minute per shape. */
const RUNS = 250;
const BATCHES = 3;
const SLACK_PATHS = ['/v1/integrations/slack/interactions', '/v1/integrations/slack/interactions/', '/V1/INTEGRATIONS/SLACK/INTERACTIONS', '/v1/integrations/slack/interactions//'];
const TEAMS_PATHS = ['/v1/integrations/teams/messages', '/v1/integrations/teams/messages/', '/v1/Integrations/Teams/Messages'];

/**
 * Every answer is 2xx or 4xx; 4xx answers are problem+json saying the same status; whatever JSON
 * comes back holds only well-formed text, even when it names the ill-formed text it refused.
 */
function assertAnswered(status: number, contentType: string, text: string): void {
  assert.ok((status >= 200 && status < 300) || (status >= 400 && status < 500), `answered ${status}: ${text.slice(0, 300)}`);
  if (status >= 400) {
    assert.match(contentType, /^application\/problem\+json/, `a ${status} that is not problem+json: ${text.slice(0, 200)}`);
    assert.equal(JSON.parse(text).status, status);
  }
  if (text) assert.deepEqual(jsonValueProblems(JSON.parse(text), RECORD_LIMITS), [], text.slice(0, 300));
}

describe(`chat endpoints under hostile input (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let slack: FakeSlack;
  let teams: FakeTeams;
  let agent: Client, carol: Client;
  let target: { id: string; paramsHash: string };

  before(async () => {
    [slack, teams] = await Promise.all([startFakeSlack(), startFakeTeams()]);
    cs = await startCountersign({
      env: {
        COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/teams-principals'),
        COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/chat-policies'),
        COUNTERSIGN_SLACK_BOT_TOKEN: slack.token,
        COUNTERSIGN_SLACK_SIGNING_SECRET: SECRET,
        COUNTERSIGN_SLACK_TEAM_ID: 'T0COUNTER',
        COUNTERSIGN_SLACK_API_URL: slack.apiUrl,
        ...teams.env(),
      },
    });
    [agent, carol] = [KEYS.agent, KEYS.carol].map((k) => client(cs.url, k));
    target = await pendingExport();
  });
  after(async () => {
    await cs?.stop();
    await Promise.all([slack?.close(), teams?.close()]);
    if (cs) await removeDir(cs.dataDir);
  });

  async function pendingExport(): Promise<{ id: string; paramsHash: string }> {
    const res = await agent.propose({ action: 'data.export', resource: `prod/fuzz-${Math.random().toString(36).slice(2, 8)}`, params: { table: 'customers' } });
    assert.equal(res.body.status, 'pending', res.text);
    return { id: res.body.id, paramsHash: res.body.paramsHash };
  }

  /** The system still decides: a routine proposal is approved in the answer to the proposal itself. */
  async function routineIsDecided(): Promise<void> {
    const res = await agent.propose({ action: 'data.read', resource: 'prod/customers', params: { limit: 1 } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'approved');
  }

  const ids = () => [target.id, '00000000-0000-7000-8000-000000000000', 'act-1'];
  const hashes = () => [target.paramsHash, '0'.repeat(64)];

  const slackRequest = () => fc.record({
    body: fc.oneof(
      { weight: 4, arbitrary: slackPayload({ actionIds: ids(), hashes: hashes(), responseUrl: slack.responseUrl('fuzz') }).map((p) => `payload=${encodeURIComponent(JSON.stringify(p))}`) },
      { weight: 2, arbitrary: hostileJsonText.map((json) => `payload=${encodeURIComponent(json)}`) },
      fc.string({ maxLength: 200 }).map((s) => encodeURI(s.toWellFormed())),
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
      fc.constantFrom('payload=%ED%A0%80', 'payload=%7B%7D&payload=%7B%7D', 'payload=%E0%A4%A', '', 'payload', '&&&=='),
    ),
    signing: fc.oneof(
      { weight: 6, arbitrary: fc.constant('valid' as const) },
      fc.constantFrom('forged' as const, 'stale' as const, 'future' as const, 'unsigned' as const),
      fc.record({ signature: headerText, timestamp: headerText }),
    ),
    contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') },
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=iso-8859-1', null), headerText),
    path: fc.oneof({ weight: 6, arbitrary: fc.constant(SLACK_PATHS[0]) }, fc.constantFrom(...SLACK_PATHS)),
  });

  it('Slack: signed and unsigned hostile requests are answered 2xx or 4xx, and nothing wedges', async () => {
    const now = () => Math.floor(Date.now() / 1000);
    for (let batch = 0; batch < BATCHES; batch += 1) await fc.assert(fc.asyncProperty(slackRequest(), async ({ body, signing, contentType, path }) => {
      const timestamp = String(signing === 'stale' ? now() - 600 : signing === 'future' ? now() + 299 : now());
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      if (typeof signing === 'object') Object.assign(headers, { 'x-slack-signature': signing.signature, 'x-slack-request-timestamp': signing.timestamp });
      else if (signing !== 'unsigned') Object.assign(headers, { 'x-slack-signature': signSlack(signing === 'forged' ? 'not-the-secret' : SECRET, timestamp, body), 'x-slack-request-timestamp': timestamp });
      const answer = await fetch(`${cs.url}${path}`, { method: 'POST', body, headers });
      const res = { status: answer.status, text: await answer.text(), contentType: answer.headers.get('content-type') ?? '' };
      assertAnswered(res.status, res.contentType, res.text);
      if (res.status === 200 && res.text) assert.equal(JSON.parse(res.text).response_action, 'errors');
    }), { numRuns: RUNS }).then(routineIsDecided);
  });

  it('Teams: hostile activities with a valid token, and hostile tokens, are answered 2xx or 4xx, and nothing wedges', async () => {
    const request = fc.record({
      body: fc.oneof(
        { weight: 4, arbitrary: teamsActivity({ actionIds: ids(), hashes: hashes(), serviceUrl: teams.serviceUrl }).map((a) => JSON.stringify(a)) },
        { weight: 2, arbitrary: hostileJsonText },
        fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
      ),
      token: fc.oneof(
        { weight: 6, arbitrary: fc.constant('valid' as const) },
        fc.constantFrom('forged' as const, 'expired' as const, 'audience' as const, 'none' as const, 'missing' as const),
        headerText,
      ),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, fc.constantFrom('text/plain', 'application/json; charset=utf-16', null), headerText),
      path: fc.oneof({ weight: 6, arbitrary: fc.constant(TEAMS_PATHS[0]) }, fc.constantFrom(...TEAMS_PATHS)),
    });
    const tokenFor = async (kind: string): Promise<string | null> => {
      switch (kind) {
        case 'valid': return teams.mintToken();
        case 'forged': return teams.mintToken({ forged: true });
        case 'expired': return teams.mintToken({ expiresIn: -3600 });
        case 'audience': return teams.mintToken({ audience: 'another-bot' });
        case 'none': return 'eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.';
        case 'missing': return null;
        default: return kind;
      }
    };
    for (let batch = 0; batch < BATCHES; batch += 1) await fc.assert(fc.asyncProperty(request, async ({ body, token, contentType, path }) => {
      const res = await teams.post(cs.url, body, { token: await tokenFor(token), contentType, path });
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      assertAnswered(res.status, res.contentType, text);
      if (res.status === 200) assert.equal(typeof res.body, 'object', 'invoke answers are JSON');
    }), { numRuns: RUNS }).then(routineIsDecided);
  });

  it('afterwards, a routine click still decides through each channel', async () => {
    const bySlack = await pendingExport();
    const click = await postInteraction(cs.url, blockActionsPayload({ user: 'U0BOB', actionId: `${bySlack.id}:${bySlack.paramsHash}`, button: 'countersign_approve', responseUrl: slack.responseUrl('final') }), { secret: SECRET });
    assert.equal(click.status, 200);
    await waitFor(async () => (await carol.get(`/v1/actions/${bySlack.id}`)).body.status === 'approved', { what: 'the Slack approval' });
    const byTeams = await pendingExport();
    const invoke = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId: byTeams.id, paramsHash: byTeams.paramsHash, aadObjectId: 'aad-bob-0002' });
    assert.match(JSON.stringify(invoke.body), /Approved: data\.export/);
    await routineIsDecided();
  });
});
