/**
 * `countersign`: operator commands. Errors end the process with one line saying what and where.
 *   countersign readmodel rebuild            drop the read models and rebuild them from offset 0
 *   countersign readmodel project --from N   project events from offset N of every partition
 *   countersign policy validate|eval|test    check policy files, evaluate an input, run test cases
 *   countersign policy simulate              replay past actions from the log against a candidate policy set
 *   countersign log check [DIR]              what the next start would do with a file log (exit 0/1/3)
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerLogCommands } from './log-commands.ts';
import { registerPolicyCommands } from './policy-program.ts';
import { projectFrom, rebuild } from './readmodel-commands.ts';

const program = new Command('countersign')
  .description('Countersign operator commands (configured by the same COUNTERSIGN_* variables as the services)')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

const readmodel = program.command('readmodel').description('read models: rebuild or re-project from the log');

readmodel
  .command('rebuild')
  .description('drop the read models and rebuild them from offset 0, with a progress bar (stop the audit projector first)')
  .action(async () => rebuild(process.env));

readmodel
  .command('project')
  .description('project events from an offset of every partition into the read models, without dropping them')
  .requiredOption('--from <offset>', 'first offset to project (per partition)', parseOffset)
  .action(async (options: { from: number }) => projectFrom(process.env, options.from));

registerPolicyCommands(program);
registerLogCommands(program);

function parseOffset(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidArgumentError('must be a whole number (an offset)');
  return Number(raw);
}

try {
  await program.parseAsync(process.argv);
  // Client libraries (kafkajs, the MongoDB driver) may keep timers alive after closing.
  // A command that failed without throwing (a failing policy test) has set the status.
  process.exit(Number(process.exitCode ?? 0));
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  process.stderr.write(`countersign: ${(error as Error).message}\n`);
  process.exit(1);
}
