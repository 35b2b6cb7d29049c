// `countersign policy validate | eval | test`, as functions of file texts: the caller reads the files
// (policy-cli.ts), these decide what to print and the exit status, so tests need no process.
import { formatSourceError, type SchemaProblem } from '@countersign/config-documents';
import { loadDirectory, formatDirectoryError, type Directory } from '@countersign/identity';
import { formatPolicyError, loadPolicySet, type CompiledPolicySet } from '@countersign/policy';
import { readCasesFile, runCase, type LocatedCase } from './policy-cases.ts';
import { checkPolicyInput, resolvePolicyInput } from './policy-input.ts';

export interface TextFile {
  path: string;
  text: string;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const lines = (items: readonly string[]) => items.map((l) => `${l}\n`).join('');
const failed = (stderr: string[]): CommandResult => ({ exitCode: 1, stdout: '', stderr: lines(stderr) });

/** `ok: 4 rules in 1 files, version 3f2a…`, or every problem of every file, one per line. */
export function validatePolicies(policies: readonly TextFile[]): CommandResult {
  const load = loadPolicySet(policies);
  if (!load.ok) return failed(load.errors.map(formatPolicyError));
  const { rules, version } = load.policy;
  return { exitCode: 0, stdout: lines([`ok: ${rules.length} rules in ${policies.length} files, version ${version.slice(0, 12)}`]), stderr: '' };
}

export interface EvalArgs {
  policies: readonly TextFile[];
  /** JSON text; `path` names it in errors ("-" reads as stdin). */
  input: TextFile;
  principals?: readonly TextFile[];
}

/** Evaluates one input and prints the decision as JSON; bad input is one line naming the field. */
export function evalPolicy(args: EvalArgs): CommandResult {
  const loaded = loadContext(args.policies, args.principals);
  if (!loaded.ok) return failed(loaded.errors);
  const name = args.input.path === '-' ? 'stdin' : args.input.path;
  let value: unknown;
  try {
    value = JSON.parse(args.input.text);
  } catch (e) {
    return failed([`countersign: ${name}: not valid JSON (${(e as Error).message})`]);
  }
  const checked = checkPolicyInput(value);
  if (!checked.ok) return failed([`countersign: ${name}: ${describe(checked.problems)}`]);
  const resolved = resolvePolicyInput(checked.input, loaded.directory);
  if (!resolved.ok) return failed([`countersign: ${name}: ${describe([resolved.problem])}`]);
  const d = loaded.policy.evaluate(resolved.input);
  const decision = { outcome: d.outcome, rule: d.rule, matchedRules: d.matchedRules, reason: d.reason, approval: d.approval ?? null, conditions: d.conditions ?? [], explanation: d.explanation ?? '', policyVersion: d.policyVersion };
  return { exitCode: 0, stdout: `${JSON.stringify(decision, null, 2)}\n`, stderr: '' };
}

export interface TestArgs {
  policies: readonly TextFile[];
  cases: readonly TextFile[];
  principals?: readonly TextFile[];
}

/** Runs every case of every cases file: `ok   name` / `FAIL name: why`, then `N passed, M failed`. */
export function testPolicies(args: TestArgs): CommandResult {
  const loaded = loadContext(args.policies, args.principals);
  const errors = loaded.ok ? [] : [...loaded.errors];
  const cases: LocatedCase[] = [];
  for (const file of args.cases) {
    const read = readCasesFile(file.path, file.text);
    if (read.ok) cases.push(...read.cases);
    else errors.push(...read.errors.map(formatSourceError));
  }
  if (!loaded.ok || errors.length > 0) return failed(errors);
  const out: string[] = [];
  let failures = 0;
  for (const c of cases) {
    const why = runCase(loaded.policy, c.policyCase, loaded.directory);
    if (why === undefined) out.push(`ok   ${c.policyCase.name}`);
    else {
      failures += 1;
      out.push(`FAIL ${c.policyCase.name}: ${why}`);
    }
  }
  out.push(`${cases.length - failures} passed, ${failures} failed`);
  return { exitCode: failures > 0 ? 1 : 0, stdout: lines(out), stderr: '' };
}

type Context = { ok: true; policy: CompiledPolicySet; directory?: Directory } | { ok: false; errors: string[] };

function loadContext(policies: readonly TextFile[], principals?: readonly TextFile[]): Context {
  const policy = loadPolicySet(policies);
  const directory = principals && loadDirectory(principals);
  const errors = [...(policy.ok ? [] : policy.errors.map(formatPolicyError)), ...(directory && !directory.ok ? directory.errors.map(formatDirectoryError) : [])];
  if (!policy.ok || (directory && !directory.ok)) return { ok: false, errors };
  return { ok: true, policy: policy.policy, ...(directory?.ok ? { directory: directory.directory } : {}) };
}

function describe(problems: readonly SchemaProblem[]): string {
  return problems.map((p) => `${p.pointer} ${p.message}`).join('; ');
}
