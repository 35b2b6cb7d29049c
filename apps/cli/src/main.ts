/**
 * `countersign`: client and operator commands. Errors end the process with one line saying what
 * and where; client commands exit with the statuses of cli-errors.ts (docs/cli.md).
 *   countersign request <action> <resource> … [-- cmd]   propose, wait, print the grant or run cmd under it
 *   countersign actions list|show|approve|deny|cancel   the API for people and scripts
 *   countersign delegations add|list|revoke  let a colleague vote for you while you are away
 *   countersign readmodel rebuild            drop the read models and rebuild them from offset 0
 *   countersign readmodel project --from N   project events from offset N of every partition
 *   countersign policy validate|eval|test    check policy files, evaluate an input, run test cases
 *   countersign policy simulate              replay past actions from the log against a candidate policy set
 *   countersign log check [DIR]              what the next start would do with a file log (exit 0/1/3)
 *   countersign audit verify [PATH]          verify a data directory or evidence bundle offline (exit 0/1/2)
 *   countersign audit checkpoint [--wait]    ask for a signed checkpoint now (admins), wait for its number
 *   countersign checkpoint-keys generate|rotate   the key file checkpoints are signed with
 */
import { Command, CommanderError } from 'commander';
import { registerActionsCommands } from './actions-commands.ts';
import { CliError } from './cli-errors.ts';
import { registerRequestCommand } from './request-command.ts';
import { registerMcpCommand } from './mcp-command.ts';
import { registerHookCommand } from './hook-command.ts';
import { registerMcpGateCommand } from './mcp-gate-command.ts';
import { registerAuditCommands } from './audit-commands.ts';
import { registerDelegationsCommands } from './delegations-commands.ts';

const program = new Command('countersign')
  .description('Countersign client and operator commands (configured by COUNTERSIGN_URL and COUNTERSIGN_API_KEY, and by the same COUNTERSIGN_* variables as the services)')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

registerRequestCommand(program, process.argv);
registerActionsCommands(program);
registerMcpCommand(program);
registerHookCommand(program);
registerMcpGateCommand(program);
registerAuditCommands(program);
registerDelegationsCommands(program);
// A client command in a pipeline should not pay for (or depend on) the services' libraries.
if (!['request', 'actions', 'mcp', 'hook', 'mcp-gate', 'audit', 'delegations'].includes(process.argv[2] ?? '')) {
  const { registerOperatorCommands } = await import('./operator-commands.ts');
  registerOperatorCommands(program);
}

try {
  await program.parseAsync(process.argv);
  // Client libraries (kafkajs, the MongoDB driver) may keep timers alive after closing.
  // A command that failed without throwing (a failing policy test) has set the status.
  process.exit(Number(process.exitCode ?? 0));
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  process.stderr.write(`countersign: ${(error as Error).message}\n`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
}
