import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDirectory, type Principal } from '@countersign/identity';
import { readSlackSettings, slackIdentityProblems } from './slack-settings.ts';
import { slackVoter } from './slack-voter.ts';

const human = (id: string, identities: string[]): Principal => ({ id, kind: 'human', groups: [], roles: [], identities, apiKeys: [] });

describe('Slack settings', () => {
  it('reads the accepted workspaces, comma-separated', () => {
    const settings = readSlackSettings({ COUNTERSIGN_SLACK_SIGNING_SECRET: 's', COUNTERSIGN_SLACK_TEAM_ID: ' T0AAA , T0BBB ' });
    assert.deepEqual(settings.teamIds, ['T0AAA', 'T0BBB']);
    assert.deepEqual(readSlackSettings({}).teamIds, [], 'Slack off: nothing required');
  });

  it('stops the start when the signing secret comes without a workspace, or a workspace id is not one', () => {
    assert.throws(() => readSlackSettings({ COUNTERSIGN_SLACK_SIGNING_SECRET: 's' }), /^Error: COUNTERSIGN_SLACK_TEAM_ID: required with COUNTERSIGN_SLACK_SIGNING_SECRET/);
    assert.throws(() => readSlackSettings({ COUNTERSIGN_SLACK_TEAM_ID: 'T0AAA,acme corp' }), /COUNTERSIGN_SLACK_TEAM_ID: "acme corp" is not a Slack workspace id/);
  });

  it('names principals linked to a workspace the gateway does not accept', () => {
    const settings = readSlackSettings({ COUNTERSIGN_SLACK_SIGNING_SECRET: 's', COUNTERSIGN_SLACK_TEAM_ID: 'T0AAA' });
    const principals = [human('alice', ['slack:T0AAA:U0ALICE']), human('bob', ['slack:T0ZZZ:U0BOB', 'slack:U0BOB2'])];
    assert.deepEqual(slackIdentityProblems(settings, principals), ['principal bob: identity slack:T0ZZZ:U0BOB names Slack workspace T0ZZZ, which COUNTERSIGN_SLACK_TEAM_ID does not list']);
  });
});

describe('Slack users as voters', () => {
  const directory = createDirectory([human('alice', ['slack:U0ALICE']), human('bob', ['slack:T0BBB:U0BOB'])]);

  it('given a user of an accepted workspace, maps slack:<user> and slack:<team>:<user>, recording the identity matched', () => {
    assert.deepEqual(slackVoter(directory, ['T0AAA', 'T0BBB'], { id: 'U0ALICE', teamId: 'T0AAA' }), { kind: 'linked', principal: directory.get('alice'), identity: 'slack:U0ALICE' });
    assert.deepEqual(slackVoter(directory, ['T0AAA', 'T0BBB'], { id: 'U0BOB', teamId: 'T0BBB' }), { kind: 'linked', principal: directory.get('bob'), identity: 'slack:T0BBB:U0BOB' });
  });

  it('given the same user id from another workspace, maps it to nobody', () => {
    assert.deepEqual(slackVoter(directory, ['T0AAA'], { id: 'U0ALICE', teamId: 'T0EVIL' }), { kind: 'foreign-team', teamId: 'T0EVIL' });
    assert.deepEqual(slackVoter(directory, ['T0AAA', 'T0BBB'], { id: 'U0BOB', teamId: 'T0AAA' }), { kind: 'not-linked', identity: 'slack:T0AAA:U0BOB' },
      'bob is linked in T0BBB only');
  });
});
