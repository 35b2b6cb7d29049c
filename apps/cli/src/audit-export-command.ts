// `countersign audit export`: an evidence bundle (GET /v1/audit/export), or the audit trail as
// NDJSON or CSV (GET /v1/audit?format=…), written to a file atomically. Registered in the `audit`
// group (audit-commands.ts); the work is imported when the command runs.
import type { Command } from 'commander';
import { withRemoteOptions } from './client-options.ts';
import type { RemoteFlags } from './remote-config.ts';

export interface AuditExportOptions extends RemoteFlags {
  from?: string;
  to?: string;
  action: string[];
  format?: string;
  out?: string;
  force?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAuditExportCommand(audit: Command): void {
  withRemoteOptions(audit.command('export'))
    .description('download an evidence bundle (events, checkpoints, proofs, keys, policies, audit.csv, a manifest; verify it with `countersign audit verify`) ' +
      'or the audit trail as NDJSON or CSV; needs the auditor or admin role')
    .option('--from <time>', 'only what happened at or after this ISO-8601 time (a bundle holds each such action whole)')
    .option('--to <time>', 'only what happened before this ISO-8601 time')
    .option('--action <id>', 'only this action (an action id); repeat for more', collect, [])
    .option('--format <format>', 'bundle (a .tar.gz, the default), ndjson or csv')
    .option('--out <file>', 'where to write (default: the server\'s file name for a bundle, countersign-audit-<time>.<ndjson|csv> otherwise); - writes to stdout')
    .option('--force', 'replace --out if it exists')
    .action(async (options: AuditExportOptions) => {
      const { runAuditExport } = await import('./audit-export.ts');
      await runAuditExport(options, process.env);
    });
}
