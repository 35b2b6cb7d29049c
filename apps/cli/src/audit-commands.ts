// The `countersign audit` command group (issue 13, ADR 0007): verify a log or an evidence bundle
// offline; checkpoints and exports are added here too. Implementations are imported when a
// command runs, so registering the group costs a client command nothing.
import type { Command } from 'commander';
import { registerAuditCheckpointCommand } from './audit-checkpoint-command.ts';
import { registerAuditExportCommand } from './audit-export-command.ts';

export function registerAuditCommands(program: Command): Command {
  const audit = program.command('audit').description('the audit trail: signed checkpoints, offline verification, evidence bundles');

  audit
    .command('verify')
    .description('verify a data directory, an evidence bundle (.tar.gz) or, without PATH, the configured system, trusting only the checkpoint keys: ' +
      'every chain, every checkpoint signature and chain, every committed stream head present. ' +
      'Exit 0 verified, 1 on any finding, 2 on a usage or read error')
    .argument('[path]', 'a data directory (or its log/ directory) or an evidence bundle; default: the configured system (COUNTERSIGN_DATA_DIR, or Kafka)')
    .option('--keys <jwks-file>', 'the checkpoint public keys as a JWK Set (GET /.well-known/jwks.json); default: those beside the log, with a note')
    .option('--json', 'print the verdict as JSON')
    .action(async (path: string | undefined, options: { keys?: string; json?: boolean }) => {
      const { runAuditVerify } = await import('./audit-verify-command.ts');
      await runAuditVerify(path, options);
    });

  registerAuditCheckpointCommand(audit);
  registerAuditExportCommand(audit);
  return audit;
}
