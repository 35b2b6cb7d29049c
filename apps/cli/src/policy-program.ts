// The `countersign policy` command group, wired onto the program by main.ts.
import type { Command } from 'commander';
import { runEval, runTest, runValidate } from './policy-cli.ts';
import { registerSimulateCommand } from './policy-simulate-cli.ts';

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('policy files: validate them, evaluate an input, run test cases, simulate a candidate against the log');

  policy
    .command('validate')
    .description('load policy files (a directory stands for its *.yaml / *.yml files); print every error, exit 1 if any')
    .argument('<dir-or-files...>', 'policy directories or files')
    .action((paths: string[]) => runValidate(paths));

  policy
    .command('eval')
    .description('evaluate one input ({ action, resource, params?, context?, requester: { id, kind, groups? } }) and print the decision as JSON')
    .requiredOption('--policies <dir>', 'policy directory (or file)')
    .requiredOption('--input <file>', 'the input as JSON, "-" for stdin')
    .option('--principals <dir>', "principals directory: the requester's groups, when the input leaves them out")
    .action((options: { policies: string; input: string; principals?: string }) => runEval(options));

  policy
    .command('test')
    .description('run test cases ({ cases: [{ name, input, expect: { outcome, rule?, approvalGroups?, quorum? } }] }); exit 1 if any fails')
    .requiredOption('--policies <dir>', 'policy directory (or file)')
    .option('--principals <dir>', "principals directory: the requesters' groups, when an input leaves them out")
    .argument('<cases...>', 'YAML files of test cases')
    .action((cases: string[], options: { policies: string; principals?: string }) => runTest(cases, options));

  registerSimulateCommand(policy);
}
