import picomatch from 'picomatch';
import { createAjv, globProblem, MAX_STANDING_TTL_SECONDS, pointerToken, POLICY_PUBLISH_ACTION, resourceGlobProblem } from '@countersign/contracts';
import { compileCondition } from './conditions.ts';
import { MAX_GRANT_TTL_SECONDS, parseDuration } from './duration.ts';
import { compilePolicySet, type CompiledPolicySet, type ValidatedPolicyFile } from './compiled-policy.ts';
import { PATTERN_HINTS, policySetSchema, type PolicySetDocument, type RuleSpec } from './policy-schema.ts';
import { asList, GLOB_OPTIONS } from './rule-match.ts';
import { errorAt as at, formatSourceError, location, readValidatedDocuments, sortErrors, type SourceError, type YamlSource } from '@countersign/config-documents';

export interface PolicyFile {
  path: string;
  text: string;
}

/** A problem in a policy file: `formatPolicyError` prints it as `file:line: pointer message`. */
export type PolicyError = SourceError;

export type PolicyLoad = { ok: true; policy: CompiledPolicySet } | { ok: false; errors: PolicyError[] };

const validate = createAjv().compile(policySetSchema);

/**
 * Parses, validates and compiles policy files. Files are taken in path order (which is also
 * rule evaluation order and the order the version hash covers), so the result does not depend
 * on how a directory happened to be listed. Every problem of every file is reported at once.
 */
export function loadPolicySet(files: readonly PolicyFile[]): PolicyLoad {
  const read = readValidatedDocuments<PolicySetDocument>(files, validate, PATTERN_HINTS);
  const errors: PolicyError[] = [...read.errors];
  const valid: ValidatedPolicyFile[] = read.documents.map(({ source, document }) => {
    errors.push(...checkRules(source, document.spec.rules ?? []));
    return { path: source.file, document, lineOf: source.lineOf };
  });
  errors.push(...checkAcrossFiles(valid));
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors, read.order) };
  const sources = read.files.map(({ path, text }) => ({ path, text }));
  return { ok: true, policy: { ...compilePolicySet(valid), sources } };
}

/** `config/policies/x.yaml:12: /spec/rules/0/effect must be one of allow, deny, require_approval` */
export const formatPolicyError: (e: PolicyError) => string = formatSourceError;

/** Rules that the schema cannot express: the approval block must agree with the effect. */
function checkRules(source: YamlSource, rules: readonly RuleSpec[]): PolicyError[] {
  const errors: PolicyError[] = [];
  rules.forEach((rule, i) => {
    const base = `/spec/rules/${i}`;
    if (rule.id === 'default') errors.push(at(source, `${base}/id`, 'is reserved: "default" names the outcome when no rule matches'));
    if (rule.effect === 'require_approval' && !rule.approval) {
      errors.push(at(source, `${base}/approval`, 'is required when effect is require_approval'));
    }
    if (rule.effect !== 'require_approval' && rule.approval) {
      errors.push(at(source, `${base}/approval`, `is only allowed when effect is require_approval (effect is ${rule.effect})`));
    }
    if (rule.approval) errors.push(...checkApproval(source, `${base}/approval`, rule.approval));
    if (rule.grantTtl !== undefined && (parseDuration(rule.grantTtl) ?? Infinity) > MAX_GRANT_TTL_SECONDS) {
      errors.push(at(source, `${base}/grantTtl`, 'must be at most 1d: a grant is a short-lived receipt, ask again for later runs'));
    }
    if (rule.effect === 'deny' && (rule.grantTtl !== undefined || rule.grantAudience !== undefined)) {
      errors.push(at(source, `${base}/${rule.grantTtl !== undefined ? 'grantTtl' : 'grantAudience'}`, 'is only allowed when effect is allow or require_approval: a denied action has no grant'));
    }
    if (rule.approval?.standing && publishes(rule)) {
      errors.push(at(source, `${base}/approval/standing`, `is not allowed on a rule that matches ${POLICY_PUBLISH_ACTION}: each policy change is approved on its own`));
    }
    if (rule.effect === 'allow' && publishes(rule)) {
      errors.push(at(source, `${base}/effect`, `may not be allow for ${POLICY_PUBLISH_ACTION}: publishing a policy always goes through approval`));
    }
    errors.push(...checkConditions(source, base, rule));
    errors.push(...checkPatterns(source, `${base}/match`, rule.match));
  });
  const spec = (source.value as PolicySetDocument).spec;
  if (spec.defaults) errors.push(...checkApproval(source, '/spec/defaults/approval', spec.defaults.approval));
  (spec.redactParams ?? []).forEach((glob, i) => {
    const problem = globProblem(glob);
    if (problem) errors.push(at(source, `/spec/redactParams/${i}`, problem));
  });
  return errors;
}

/**
 * Every glob of a match must mean what it reads and match in bounded time (see `globProblem`);
 * resource globs must also be canonical, since only canonical resources are matched. Environment
 * and labels are matched against what the requester writes in the context (up to 16 KiB), so
 * there one wildcard at most competes for the same characters.
 */
function checkPatterns(source: YamlSource, base: string, match: RuleSpec['match']): PolicyError[] {
  const errors: PolicyError[] = [];
  const each = (pointer: string, value: string | string[], problem: (glob: string) => string | undefined) => {
    const list = typeof value === 'string' ? [[pointer, value]] : value.map((v, i) => [`${pointer}/${i}`, v]);
    for (const [where, glob] of list) {
      const found = problem(glob);
      if (found) errors.push(at(source, where, found));
    }
  };
  each(`${base}/action`, match.action, (g) => globProblem(g));
  if (match.resource !== undefined) each(`${base}/resource`, match.resource, resourceGlobProblem);
  if (match.requester?.principals) each(`${base}/requester/principals`, match.requester.principals, (g) => globProblem(g));
  if (match.environment !== undefined) each(`${base}/environment`, match.environment, (g) => globProblem(g, 1));
  for (const [key, values] of Object.entries(match.labels ?? {})) each(`${base}/labels/${pointerToken(key)}`, values, (g) => globProblem(g, 1));
  return errors;
}

/** Requirements that no set of principals could ever meet would leave actions to expire. */
function checkApproval(source: YamlSource, pointer: string, a: NonNullable<RuleSpec['approval']>): PolicyError[] {
  if (a.standing && (parseDuration(a.standing.maxTtl) ?? Infinity) > MAX_STANDING_TTL_SECONDS) {
    return [at(source, `${pointer}/standing/maxTtl`, 'must be at most 30d: a standing approval stands in for people for a while, not for good')];
  }
  // A standing approval approves later actions with nobody present: no step-up could be asked for.
  if (a.stepUp && a.standing) {
    return [at(source, `${pointer}/standing`, 'is not allowed with stepUp: a standing approval would approve later actions without a step-up')];
  }
  const groups = a.groups ?? [];
  const principals = a.principals ?? [];
  const quorum = a.quorum ?? 1;
  if (groups.length === 0 && principals.length === 0 && !a.owners) {
    return [at(source, pointer, "must name at least one group or principal, or the resource's owners")];
  }
  // How many owners a resource has is known only per action: the router denies then if too few.
  if (groups.length === 0 && !a.owners && quorum > principals.length) {
    return [at(source, `${pointer}/quorum`, `is ${quorum} but only ${principals.length} principal(s) are named and no group`)];
  }
  if (a.distinctGroups && quorum > groups.length) {
    return [at(source, `${pointer}/distinctGroups`, `needs at least as many groups as the quorum (${groups.length} group(s), quorum ${quorum})`)];
  }
  return [];
}

/** An allow rule for policy publication would let a policy change itself without anyone's approval. */
function publishes(rule: RuleSpec): boolean {
  return asList(rule.match.action).some((pattern) => picomatch.isMatch(POLICY_PUBLISH_ACTION, pattern, GLOB_OPTIONS));
}

/** Every CEL condition must parse and type-check now, not fail at the first action it meets. */
function checkConditions(source: YamlSource, base: string, rule: RuleSpec): PolicyError[] {
  if (rule.when === undefined) return [];
  const list = typeof rule.when === 'string' ? [[`${base}/when`, rule.when]] : rule.when.map((w, j) => [`${base}/when/${j}`, w]);
  return list.flatMap(([pointer, expression]) => {
    const compiled = compileCondition(expression);
    return compiled.ok ? [] : [at(source, pointer, compiled.error)];
  });
}

function checkAcrossFiles(files: readonly ValidatedPolicyFile[]): PolicyError[] {
  const errors: PolicyError[] = [];
  const ruleAt = new Map<string, string>();
  let defaultsAt: string | undefined;
  for (const f of files) {
    const place = (pointer: string) => ({ file: f.path, line: f.lineOf(pointer), pointer });
    if (f.document.spec.defaults) {
      const here = place('/spec/defaults');
      if (defaultsAt) errors.push({ ...here, message: `are already set in ${defaultsAt} (only one file may set defaults)` });
      else defaultsAt = location(here);
    }
    (f.document.spec.rules ?? []).forEach((rule, i) => {
      const here = place(`/spec/rules/${i}/id`);
      const first = ruleAt.get(rule.id);
      if (first) errors.push({ ...here, message: `duplicates rule id "${rule.id}" (first defined at ${first})` });
      else ruleAt.set(rule.id, location(here));
    });
  }
  return errors;
}
