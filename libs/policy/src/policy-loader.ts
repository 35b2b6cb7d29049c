import { createAjv } from '@countersign/contracts';
import { compilePolicySet, type CompiledPolicySet, type ValidatedPolicyFile } from './compiled-policy.ts';
import { PATTERN_HINTS, policySetSchema, type PolicySetDocument, type RuleSpec } from './policy-schema.ts';
import { describeSchemaErrors, parseYamlSource, type SourceError, type YamlSource } from '@countersign/config-documents';

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
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const errors: PolicyError[] = [];
  const valid: ValidatedPolicyFile[] = [];
  for (const file of sorted) {
    const parsed = parseYamlSource(file.path, file.text);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const { source } = parsed;
    if (!validate(source.value)) {
      errors.push(...describeSchemaErrors(validate.errors, source.value, PATTERN_HINTS).map((p) => at(source, p.pointer, p.message)));
      continue;
    }
    const document = source.value as PolicySetDocument;
    errors.push(...checkRules(source, document.spec.rules ?? []));
    valid.push({ path: file.path, document, lineOf: source.lineOf });
  }
  errors.push(...checkAcrossFiles(valid));
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors, sorted.map((f) => f.path)) };
  return { ok: true, policy: compilePolicySet(valid) };
}

/** `config/policies/x.yaml:12: /spec/rules/0/effect must be one of allow, deny, require_approval` */
export function formatPolicyError(e: PolicyError): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}`;
  return `${where}: ${e.pointer ? `${e.pointer} ` : ''}${e.message}`;
}

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
  });
  const defaults = (source.value as PolicySetDocument).spec.defaults;
  if (defaults) errors.push(...checkApproval(source, '/spec/defaults/approval', defaults.approval));
  return errors;
}

/** Requirements that no set of principals could ever meet would leave actions to expire. */
function checkApproval(source: YamlSource, pointer: string, a: NonNullable<RuleSpec['approval']>): PolicyError[] {
  const groups = a.groups ?? [];
  const principals = a.principals ?? [];
  const quorum = a.quorum ?? 1;
  if (groups.length === 0 && principals.length === 0) return [at(source, pointer, 'must name at least one group or principal')];
  if (groups.length === 0 && quorum > principals.length) {
    return [at(source, `${pointer}/quorum`, `is ${quorum} but only ${principals.length} principal(s) are named and no group`)];
  }
  if (a.distinctGroups && quorum > groups.length) {
    return [at(source, `${pointer}/distinctGroups`, `needs at least as many groups as the quorum (${groups.length} group(s), quorum ${quorum})`)];
  }
  return [];
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

function at(source: YamlSource, pointer: string, message: string): PolicyError {
  return { file: source.file, line: source.lineOf(pointer), pointer, message };
}

function location(e: { file: string; line?: number }): string {
  return e.line === undefined ? e.file : `${e.file}:${e.line}`;
}

function sortErrors(errors: PolicyError[], fileOrder: string[]): PolicyError[] {
  const rank = new Map(fileOrder.map((f, i) => [f, i]));
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (rank.get(a.e.file) ?? 0) - (rank.get(b.e.file) ?? 0) || (a.e.line ?? 0) - (b.e.line ?? 0) || a.i - b.i)
    .map(({ e }) => e);
}
