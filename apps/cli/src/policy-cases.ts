// `countersign policy test` cases: a YAML file of inputs and the decisions they must get, like `opa test`.
import { createAjv, type PolicyEvaluatedData, type PolicyOutcome } from '@countersign/contracts';
import type { Directory } from '@countersign/identity';
import type { CompiledPolicySet } from '@countersign/policy';
import { describeSchemaErrors, errorAt, parseYamlSource, type SourceError } from '@countersign/config-documents';
import { policyInputSchema, resolvePolicyInput, type PolicyInputDocument } from './policy-input.ts';

export interface PolicyCase {
  name: string;
  input: PolicyInputDocument;
  expect: { outcome: PolicyOutcome; rule?: string; approvalGroups?: string[]; quorum?: number };
}

/** A case with where it was written, so a failure can point at it. */
export interface LocatedCase {
  file: string;
  line?: number;
  pointer: string;
  policyCase: PolicyCase;
}

export const policyCasesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['cases'],
  properties: {
    description: { type: 'string' },
    cases: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'input', 'expect'],
        properties: {
          name: { type: 'string', minLength: 1 },
          input: policyInputSchema,
          expect: {
            type: 'object',
            additionalProperties: false,
            required: ['outcome'],
            properties: {
              outcome: { type: 'string', enum: ['allow', 'deny', 'require_approval'] },
              rule: { type: 'string', minLength: 1 },
              approvalGroups: { type: 'array', items: { type: 'string', minLength: 1 } },
              quorum: { type: 'integer', minimum: 1 },
            },
          },
        },
      },
    },
  },
} as const;

const validateCases = createAjv().compile(policyCasesSchema);

/** Parses and checks one cases file; every problem comes back with its file:line. */
export function readCasesFile(path: string, text: string): { ok: true; cases: LocatedCase[] } | { ok: false; errors: SourceError[] } {
  const parsed = parseYamlSource(path, text);
  if (!parsed.ok) return parsed;
  const { source } = parsed;
  if (!validateCases(source.value)) {
    return { ok: false, errors: describeSchemaErrors(validateCases.errors, source.value, {}).map((p) => errorAt(source, p.pointer, p.message)) };
  }
  const cases = (source.value as { cases: PolicyCase[] }).cases;
  const errors: SourceError[] = [];
  const firstLine = new Map<string, number | undefined>();
  cases.forEach((c, i) => {
    // Names identify cases in the report; two alike would make a failure ambiguous.
    if (firstLine.has(c.name)) errors.push(errorAt(source, `/cases/${i}/name`, `duplicates case name "${c.name}" (first at line ${firstLine.get(c.name)})`));
    else firstLine.set(c.name, source.lineOf(`/cases/${i}/name`));
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, cases: cases.map((policyCase, i) => ({ file: path, line: source.lineOf(`/cases/${i}`), pointer: `/cases/${i}`, policyCase })) };
}

/** Runs one case: undefined when it passes, else why it failed (one line). */
export function runCase(policy: CompiledPolicySet, c: PolicyCase, directory?: Directory): string | undefined {
  const resolved = resolvePolicyInput(c.input, directory);
  if (!resolved.ok) return `input${resolved.problem.pointer} ${resolved.problem.message}`;
  return mismatch(c.expect, policy.evaluate(resolved.input));
}

function mismatch(expect: PolicyCase['expect'], got: PolicyEvaluatedData): string | undefined {
  if (expect.outcome !== got.outcome) return `expected outcome ${expect.outcome}, got ${got.outcome} (rule ${got.rule})`;
  const problems: string[] = [];
  if (expect.rule !== undefined && expect.rule !== got.rule) problems.push(`expected rule ${expect.rule}, got ${got.rule}`);
  if (expect.approvalGroups !== undefined) {
    const want = [...expect.approvalGroups].sort();
    const have = [...(got.approval?.groups ?? [])].sort();
    if (want.join('\n') !== have.join('\n')) problems.push(`expected approval groups [${want.join(', ')}], got [${have.join(', ')}] (rule ${got.rule})`);
  }
  if (expect.quorum !== undefined && expect.quorum !== got.approval?.quorum) {
    problems.push(`expected quorum ${expect.quorum}, got ${got.approval?.quorum ?? 'none'} (rule ${got.rule})`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
