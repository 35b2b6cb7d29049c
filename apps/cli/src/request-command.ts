// `countersign request <action> <resource> … [-- <command> …]`: the flags, checked, and the real
// IO (the SDK client, the terminal, signals, the child process) for request-flow.ts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT_HELP, UsageError } from './cli-errors.ts';
import { connect, idempotencyKey, withRemoteOptions } from './client-options.ts';
import { parseDuration } from './durations.ts';
import type { RemoteFlags } from './remote-config.ts';
import { runRequest, type RequestInput } from './request-flow.ts';
import { parseParams } from './request-params.ts';
import { runCommand } from './run-command.ts';

interface RequestOptions extends RemoteFlags {
  param?: string[];
  paramsJson?: string;
  paramsFile?: string;
  justification?: string;
  idempotencyKey?: string;
  wait?: string;
}

export function registerRequestCommand(program: Command, argv: readonly string[]): void {
  withRemoteOptions(program.command('request'))
    .description('propose an action, wait for its decision, then print the grant or run a command under it')
    .argument('<action>', 'the action type, e.g. data.export')
    .argument('<resource>', 'the resource, e.g. prod/customers')
    .argument('[command...]', 'after --: the command to run once approved (never otherwise), with COUNTERSIGN_GRANT, COUNTERSIGN_ACTION_ID and COUNTERSIGN_PARAMS set')
    .option('--param <k=v>', 'a parameter; repeat for more. The value is JSON when it parses (rows=5000 is a number), else text (format=csv)', collect)
    .option('--params-json <json>', 'parameters as one JSON object (--param entries are added on top)')
    .option('--params-file <path>', 'parameters from a JSON file holding one object ("-" for stdin)')
    .option('--justification <text>', 'why, for the approvers and the audit trail')
    .option('--idempotency-key <key>', 'makes the request safe to re-run: the same key (and body) finds the same action and resumes the wait (default: a new random key)')
    .option('--wait <duration>', 'stop waiting after this long, e.g. 30m or 1h30m; 0 does not wait (default: until decided or expired)')
    .addHelpText('after', `${EXIT_HELP}
Examples:
  countersign request data.export prod/customers --param format=csv --param rows=5000 \\
    --justification "quarterly churn report" --wait 30m > grant.jws
  countersign request deploy prod/web --param version=1.4.2 --idempotency-key "$CI_PIPELINE_ID-deploy" \\
    --wait 30m -- ./deploy.sh 1.4.2
`)
    .action((action: string, resource: string, operands: string[], options: RequestOptions) => request(action, resource, operands, options, argv));
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function request(action: string, resource: string, operands: string[], options: RequestOptions, argv: readonly string[]): Promise<void> {
  const input: RequestInput = {
    action,
    resource,
    params: parseParams({
      param: options.param ?? [],
      ...(options.paramsJson !== undefined ? { paramsJson: options.paramsJson } : {}),
      ...(options.paramsFile !== undefined ? { paramsFile: { name: options.paramsFile, text: readParamsFile(options.paramsFile) } } : {}),
    }),
    ...(options.justification !== undefined ? { justification: options.justification } : {}),
    idempotencyKey: options.idempotencyKey !== undefined ? idempotencyKey(options.idempotencyKey) : `cli-${randomUUID()}`,
    ...(options.wait !== undefined ? { waitMs: parseDuration(options.wait, '--wait') } : {}),
    command: commandAfterDashes(operands, argv),
  };
  const { remote, client } = connect(options, process.env);
  process.exitCode = await runRequest(input, {
    api: client,
    url: remote.url,
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => new Date(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    run: runCommand,
    env: process.env,
  });
}

/**
 * The command is what follows `--`. Commander hands every extra operand over in one list, so an
 * operand before `--` (a forgotten `--`, a stray word) is told apart here and refused.
 */
export function commandAfterDashes(operands: readonly string[], argv: readonly string[]): string[] {
  if (operands.length === 0) return [];
  const dashes = argv.indexOf('--');
  const after = dashes < 0 ? [] : argv.slice(dashes + 1);
  if (after.length !== operands.length || operands.some((o, i) => o !== after[i])) {
    throw new UsageError(`unexpected argument ${JSON.stringify(operands[0])}: the command to run goes after "--" (request <action> <resource> [flags] -- <command> [args…])`);
  }
  return [...operands];
}

function readParamsFile(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new UsageError(`--params-file ${JSON.stringify(path)}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
