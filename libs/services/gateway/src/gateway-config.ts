import type { Principal } from '@countersign/identity';
import { readSlackSettings, slackIdentityProblems, type SlackSettings } from './slack/slack-settings.ts';
import { readSignInConfig } from './session/sign-in-config.ts';
import { readWebAuthnConfig } from './passkeys/webauthn-config.ts';
import { readTeamsGatewayConfig } from './teams/teams-gateway-config.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The gateway's integration variables checked at start, against the principals they must serve:
 * throws one line per mistake, so the shell stops the process naming each variable at fault.
 */
export function checkGatewayConfig(env: Env, principals: readonly Principal[]): void {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push(...(error as Error).message.split('\n'));
      return undefined;
    }
  };
  const slack: SlackSettings | undefined = attempt(() => readSlackSettings(env));
  if (slack) problems.push(...slackIdentityProblems(slack, principals));
  attempt(() => readTeamsGatewayConfig(env));
  attempt(() => readSignInConfig(env));
  attempt(() => readWebAuthnConfig(env));
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
