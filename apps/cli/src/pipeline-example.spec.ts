// examples/pipeline, checked as files: the policy and principals load and decide a CI deploy as the
// README says, and the `countersign request` line of each CI file parses as the CLI parses it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { idempotencyKey } from './client-options.ts';
import { parseDuration } from './durations.ts';
import { evalPolicy } from './policy-commands.ts';
import { parseParams } from './request-params.ts';

const DIR = fileURLToPath(new URL('../../../examples/pipeline/', import.meta.url));
const read = (file: string) => readFileSync(DIR + file, 'utf8');

/** Shell words as sh splits them, for what the examples use: "…" with \" \\ \$ and $VAR, '…', \\-newline. */
function shellWords(line: string, vars: Record<string, string>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const text = line.replace(/\\\n/g, ' ');
  const expand = (at: number): [string, number] => {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(at));
    if (!m) return ['$', at + 1];
    assert.ok(m[1] in vars, `the example uses $${m[1]}: give it a value in the test`);
    return [vars[m[1]], at + m[0].length];
  };
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i += 1;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word = word ?? '';
      for (i += 1; text[i] !== '"'; ) {
        if (text[i] === '\\' && '"\\$'.includes(text[i + 1])) [word, i] = [word + text[i + 1], i + 2];
        else if (text[i] === '$') {
          const [value, next] = expand(i);
          [word, i] = [word + value, next];
        } else [word, i] = [word + text[i], i + 1];
      }
      i += 1;
    } else if (c === '$') {
      const [value, next] = expand(i);
      [word, i] = [(word ?? '') + value, next];
    } else [word, i] = [(word ?? '') + c, i + 1];
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The flags of a `countersign request` command line, checked with the CLI's own parsers. */
function request(words: string[]) {
  assert.deepEqual(words.slice(0, 2), ['countersign', 'request']);
  const dashes = words.indexOf('--');
  const flags = words.slice(4, dashes);
  const values = (flag: string) => flags.flatMap((w, i) => (w === flag ? [flags[i + 1]] : []));
  return {
    action: words[2],
    resource: words[3],
    params: parseParams({ param: values('--param') }),
    justification: values('--justification')[0],
    key: idempotencyKey(values('--idempotency-key')[0]),
    waitMs: parseDuration(values('--wait')[0], '--wait'),
    command: words.slice(dashes + 1),
  };
}

const SHA = '1400000000000000000000000000000000000000';

describe('examples/pipeline', () => {
  it('the policy and principals load; a CI deploy to prod waits for a release manager', () => {
    const result = evalPolicy({
      policies: [{ path: 'policy.yaml', text: read('policy.yaml') }],
      principals: [{ path: 'principals.yaml', text: read('principals.yaml') }],
      input: { path: 'input.json', text: JSON.stringify({ action: 'deploy', resource: 'prod/web', params: { version: SHA }, justification: 'deploy', requester: { id: 'ci-deployer', kind: 'agent' } }) },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const decision = JSON.parse(result.stdout);
    assert.equal(decision.outcome, 'require_approval');
    assert.equal(decision.rule, 'prod-deploys');
    assert.deepEqual(decision.approval.groups, ['release-managers']);
    assert.match(read('policy.yaml'), /timeout: 30m/);
  });

  it('the GitHub Actions step: a request the CLI accepts, the params strings, a per-run key, deploy.sh after --, the job outliving --wait', () => {
    const workflow = parse(read('github-actions.yml'));
    const job = workflow.jobs.deploy;
    const step = job.steps.find((s: { run?: string }) => s.run?.includes('countersign request'));
    assert.deepEqual(Object.keys(step.env), ['COUNTERSIGN_URL', 'COUNTERSIGN_API_KEY']);
    assert.equal(step.env.COUNTERSIGN_API_KEY, '${{ secrets.COUNTERSIGN_API_KEY }}');
    const req = request(shellWords(step.run, { GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/web', GITHUB_ACTOR: 'dev', GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '42' }));
    assert.deepEqual([req.action, req.resource], ['deploy', 'prod/web']);
    assert.deepEqual(req.params, { version: SHA, repository: 'acme/web' }, 'a SHA of digits stays a string');
    assert.equal(req.key, 'github-acme/web-42-deploy');
    assert.deepEqual(req.command, ['./deploy.sh', SHA]);
    assert.ok(job['timeout-minutes'] * 60_000 > req.waitMs);
  });

  it('the GitLab CI job: the same request, keyed by the pipeline, the job outliving --wait', () => {
    const job = parse(read('gitlab-ci.yml'))['deploy-production'];
    const line = job.script.find((s: string) => s.includes('countersign request'));
    const req = request(shellWords(line, { CI_COMMIT_SHA: SHA, CI_PROJECT_PATH: 'acme/web', CI_COMMIT_SHORT_SHA: '14000000', CI_PIPELINE_URL: 'https://gitlab.example/p/1', CI_PROJECT_ID: '7', CI_PIPELINE_ID: '99' }));
    assert.deepEqual([req.action, req.resource], ['deploy', 'prod/web']);
    assert.deepEqual(req.params, { version: SHA, project: 'acme/web' });
    assert.equal(req.key, 'gitlab-7-99-deploy');
    assert.deepEqual(req.command, ['./deploy.sh', SHA]);
    assert.ok(parseDuration(job.timeout, 'timeout') > req.waitMs);
  });
});
