// The operator commands (readmodel, policy, log): they load the services' libraries (Nest, the
// Kafka and MongoDB clients, the event schemas), so main.ts imports them only when they may run.
import { InvalidArgumentError, type Command } from 'commander';
import { registerCheckpointKeysCommands, registerGrantKeysCommands } from './grant-keys-commands.ts';
import { registerLogCommands } from './log-commands.ts';
import { registerPolicyCommands } from './policy-program.ts';
import { projectFrom, rebuild } from './readmodel-commands.ts';

export function registerOperatorCommands(program: Command): void {
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
  registerGrantKeysCommands(program);
  registerCheckpointKeysCommands(program);
}

function parseOffset(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidArgumentError('must be a whole number (an offset)');
  return Number(raw);
}
