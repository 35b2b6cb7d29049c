/**
 * The synthetic workload for bench/policy: a 1,000-rule policy set over 50 action types, written
 * as YAML so it goes through the same loader as production, and a seeded set of inputs.
 */
import { stringify } from 'yaml';
import type { PolicyInput, RuleSpec } from '@countersign/policy';

const DOMAINS = ['data', 'iam', 'infra', 'vm', 'db', 'secrets', 'billing', 'deploy', 'network', 'storage'];
const VERBS = ['read', 'write', 'export', 'delete', 'escalate'];
export const ACTIONS = DOMAINS.flatMap((d) => VERBS.map((v) => `${d}.${v}`));
const ENVS = ['prod', 'staging', 'dev'];
const TEAMS = Array.from({ length: 20 }, (_, i) => `team${i}`);
const GROUPS = ['security', 'data-stewards', 'sre', 'finance', 'platform', 'dba'];

/** mulberry32: small, fast and good enough to make the workload the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

function resourceGlob(rand: () => number): string | undefined {
  const r = rand();
  if (r < 0.05) return undefined; // any resource
  if (r < 0.2) return `${pick(rand, ENVS)}/**`;
  if (r < 0.8) return `${pick(rand, ENVS)}/${pick(rand, TEAMS)}/**`;
  return `${pick(rand, ENVS)}/${pick(rand, TEAMS)}/*`;
}

function actionMatch(rand: () => number): string | string[] {
  const r = rand();
  if (r < 0.85) return pick(rand, ACTIONS);
  if (r < 0.93) return `${pick(rand, DOMAINS)}.*`; // an action glob
  if (r < 0.96) return `*.${pick(rand, VERBS)}`;
  return [pick(rand, ACTIONS), pick(rand, ACTIONS)].filter((a, i, all) => all.indexOf(a) === i);
}

function rule(rand: () => number, i: number): RuleSpec {
  const r = rand();
  // Deny rules are narrow in real policies (one team's data), or everything would be refused.
  const resource = r >= 0.6 && r < 0.65 ? `${pick(rand, ENVS)}/${pick(rand, TEAMS)}/**` : resourceGlob(rand);
  const match = { action: actionMatch(rand), ...(resource ? { resource } : {}) };
  if (r < 0.6) return { id: `r${i}`, match, effect: 'allow' };
  if (r < 0.65) return { id: `r${i}`, match, effect: 'deny', reason: `rule r${i} forbids this` };
  const quorum = rand() < 0.2 ? 2 : 1;
  const groups = quorum === 2 ? [pick(rand, GROUPS.slice(0, 3)), pick(rand, GROUPS.slice(3))] : [pick(rand, GROUPS)];
  return {
    id: `r${i}`,
    match,
    effect: 'require_approval',
    approval: { groups, quorum, distinctGroups: quorum === 2, timeout: pick(rand, ['30m', '1h', '4h', '1d']) },
  };
}

/** One PolicySet file of `count` rules, with a default approval for unmatched actions. */
export function policyYaml(count: number, seed = 1): string {
  const rand = seeded(seed);
  const rules = Array.from({ length: count }, (_, i) => rule(rand, i));
  const spec = { defaults: { approval: { groups: ['security'], quorum: 1, timeout: '1h' } }, rules };
  return stringify({ apiVersion: 'countersign.dev/v1', kind: 'PolicySet', metadata: { name: 'bench' }, spec });
}

/** Inputs over the 50 action types; ~5 % are unknown actions and ~10 % unknown environments (→ default). */
export function inputs(count: number, seed = 2): PolicyInput[] {
  const rand = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const action = rand() < 0.05 ? `unknown.op${i % 7}` : pick(rand, ACTIONS);
    const env = rand() < 0.1 ? 'sandbox' : pick(rand, ENVS);
    const resource = `${env}/${pick(rand, TEAMS)}/${rand() < 0.5 ? `item${i % 100}` : `dir${i % 10}/item${i % 100}`}`;
    const human = rand() < 0.3;
    return {
      action,
      resource,
      params: { rows: i % 1000 },
      requester: { id: `${human ? 'user' : 'agent'}-${i % 50}`, kind: human ? 'human' : 'agent', groups: human ? [pick(rand, GROUPS)] : [] },
    };
  });
}
