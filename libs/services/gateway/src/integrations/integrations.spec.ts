import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '@countersign/identity';
import { checkGatewayConfig } from '../gateway-config.ts';
import { readsOwnBody } from './paths.ts';

describe('chat endpoints at the HTTP edge', () => {
  it('are left to read their own bodies, however Express would route the path to them', () => {
    for (const path of ['/v1/integrations/slack/interactions', '/v1/integrations/slack/interactions/', '/V1/Integrations/SLACK/interactions', '/v1/integrations/teams/messages']) {
      assert.equal(readsOwnBody(path), true, path);
    }
    for (const path of ['/v1/actions', '/v1/integrations/slack/interactions//', '/v1/integrations/slack', '/v1/integrations/teams/messages/x']) {
      assert.equal(readsOwnBody(path), false, path);
    }
  });

  it('stop the start with one line per mistake in their variables', () => {
    const bob: Principal = { id: 'bob', kind: 'human', groups: [], roles: [], identities: ['slack:T0OTHER:U0BOB'], apiKeys: [] };
    assert.doesNotThrow(() => checkGatewayConfig({}, [bob]));
    assert.throws(() => checkGatewayConfig({ COUNTERSIGN_SLACK_SIGNING_SECRET: 's', COUNTERSIGN_SLACK_TEAM_ID: 'T0MAIN', COUNTERSIGN_TEAMS_APP_ID: 'app', COUNTERSIGN_TEAMS_OPENID_METADATA_URL: 'ftp://x' }, [bob]), (error: Error) => {
      assert.deepEqual(error.message.split('\n'), [
        'principal bob: identity slack:T0OTHER:U0BOB names Slack workspace T0OTHER, which COUNTERSIGN_SLACK_TEAM_ID does not list',
        'COUNTERSIGN_TEAMS_OPENID_METADATA_URL: must be an http(s) URL (got "ftp://x")',
      ]);
      return true;
    });
  });
});
