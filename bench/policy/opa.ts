/**
 * OPA beside Countersign in bench/policy: builds the Go program in bench/policy/opa (once, before
 * anything is timed), runs it on the Rego translation and the same inputs, and compares decisions.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicyInput } from '@countersign/policy';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'opa');
/** Under the repository's gitignored tmp/, so the ~30 MB binary is never committed. */
export const WORK_DIR = join(SOURCE_DIR, '..', '..', '..', 'tmp', 'bench-policy');

export interface Decision {
  outcome: string;
  rule: string;
}

export interface OpaStats {
  p50Us: number;
  p99Us: number;
  meanUs: number;
  maxUs: number;
}

export interface OpaReport extends OpaStats {
  opaVersion: string;
  prepareMs: number;
  evals: number;
  mapInput: OpaStats;
  decisions: Decision[];
}

export type OpaBuild = { ok: true; binary: string; buildMs: number; goVersion: string } | { ok: false; reason: string };

/** `go build` of bench/policy/opa; the first one also downloads the modules (a minute or two). */
export function buildOpaBench(): OpaBuild {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) return { ok: false, reason: `go is not available (${go.error?.message ?? go.stderr.trim()})` };
  mkdirSync(WORK_DIR, { recursive: true });
  const binary = join(WORK_DIR, 'opa-bench');
  const start = process.hrtime.bigint();
  const build = spawnSync('go', ['build', '-o', binary, '.'], { cwd: SOURCE_DIR, encoding: 'utf8', timeout: 15 * 60_000 });
  const buildMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (build.error || build.status !== 0) {
    return { ok: false, reason: `go build in ${SOURCE_DIR} failed: ${build.error?.message ?? build.stderr.trim().split('\n').slice(-5).join(' | ')}` };
  }
  return { ok: true, binary, buildMs, goVersion: go.stdout.trim() };
}

export interface OpaWorkload {
  policyPath: string;
  inputsPath: string;
}

/** Writes the Rego module and the inputs where the Go program reads them. */
export function writeOpaWorkload(rego: string, inputs: readonly PolicyInput[]): OpaWorkload {
  mkdirSync(WORK_DIR, { recursive: true });
  const policyPath = join(WORK_DIR, 'policy.rego');
  const inputsPath = join(WORK_DIR, 'inputs.json');
  writeFileSync(policyPath, rego);
  writeFileSync(inputsPath, JSON.stringify(inputs));
  return { policyPath, inputsPath };
}

/** One run of the Go program: decisions for every input, then `evals` timed evaluations (0: none). */
export function runOpaBench(binary: string, workload: OpaWorkload, evals: number, warmup: number): OpaReport {
  const args = ['-policy', workload.policyPath, '-inputs', workload.inputsPath, '-evals', String(evals), '-warmup', String(warmup)];
  const run = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (run.error || run.status !== 0) throw new Error(`${binary} failed: ${run.error?.message ?? run.stderr.trim()}`);
  return JSON.parse(run.stdout) as OpaReport;
}

export interface Disagreement {
  index: number;
  input: PolicyInput;
  countersign: Decision;
  opa: Decision | undefined;
}

/** Every input on which the two engines decided differently (outcome or deciding rule). */
export function disagreements(inputs: readonly PolicyInput[], countersign: readonly Decision[], opa: readonly Decision[]): Disagreement[] {
  const found: Disagreement[] = [];
  inputs.forEach((input, index) => {
    const a = countersign[index];
    const b = opa[index] as Decision | undefined;
    if (!b || a.outcome !== b.outcome || a.rule !== b.rule) found.push({ index, input, countersign: a, opa: b });
  });
  return found;
}
