/**
 * Calls the export tool as an agent would, printing who it waits for. See README.md:
 *
 *   COUNTERSIGN_URL=http://127.0.0.1:8080 COUNTERSIGN_API_KEY=demo-agent-key \
 *     node --import tsx examples/agent-tool/run.ts customers 5000 "quarterly churn report"
 */
import { Countersign, type Action } from '@countersign/sdk';
import { exportTable } from './export-tool.ts';

const [table = 'customers', rows = '5000', reason = 'quarterly churn report'] = process.argv.slice(2);
const cs = new Countersign({
  url: process.env.COUNTERSIGN_URL ?? 'http://127.0.0.1:8080',
  apiKey: process.env.COUNTERSIGN_API_KEY ?? 'demo-agent-key',
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted: run the same command again to resume the wait')));

function show(action: Action): void {
  const waitingFor = action.approval ? `${action.approval.approvals}/${action.approval.quorum} approvals from ${action.approval.eligible.join(', ')} (deadline ${action.approval.deadline})` : '';
  console.error(`action ${action.id}: ${action.status}${action.status === 'pending' ? ` — waiting for ${waitingFor}` : ''}`);
}

const result = await exportTable(cs, { table, rows: Number(rows), reason }, {
  outDir: process.env.EXPORT_DIR ?? 'tmp/exports',
  timeoutMs: Number(process.env.WAIT_MS ?? 30 * 60_000),
  onUpdate: show,
  signal: controller.signal,
});
console.log(result);
