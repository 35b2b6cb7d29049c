/**
 * A tool an AI agent can call — "export a table" — wrapped by Countersign's guard: the export runs
 * only once the people the policy names have approved exactly these parameters, runs at most
 * once, and its outcome is recorded on the action. The agent gets a plain-text result either way.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ActionCancelled,
  ActionDenied,
  ActionExpired,
  CountersignUnavailable,
  RequestRejected,
  WaitTimedOut,
  type Action,
  type Countersign,
} from '@countersign/sdk';

/** The tool as an agent framework sees it (name, description, JSON Schema of its input). */
export const exportToolDefinition = {
  name: 'export_table',
  description: 'Exports rows of a production table to a CSV file. Needs human approval; may take a while.',
  inputSchema: {
    type: 'object',
    properties: {
      table: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
      rows: { type: 'integer', minimum: 1, maximum: 10_000_000 },
      reason: { type: 'string', maxLength: 500 },
    },
    required: ['table', 'rows', 'reason'],
    additionalProperties: false,
  },
} as const;

export interface ExportInput {
  table: string;
  rows: number;
  reason: string;
}

export interface ExportToolOptions {
  /** Where the export is written (a stand-in for the real work). */
  outDir: string;
  /** Longest wait for a decision, in ms. */
  timeoutMs?: number;
  /** Called with the action whenever it changes (to show who the agent waits for). */
  onUpdate?: (action: Action) => void;
  signal?: AbortSignal;
}

/** Runs the tool: proposes `data.export` on `prod/<table>`, waits, exports only when approved. */
export async function exportTable(cs: Countersign, input: ExportInput, options: ExportToolOptions): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(input.table) || !Number.isInteger(input.rows) || input.rows < 1) {
    return 'Refused: table must be a lowercase identifier and rows a positive integer.';
  }
  const params = { format: 'csv', rows: input.rows };
  try {
    return await cs.guard(
      { action: 'data.export', resource: `prod/${input.table}`, params, justification: input.reason },
      async ({ grant, grantId, action }) => {
        // The real work runs here, and only here: approved, grant redeemed (single use).
        await mkdir(options.outDir, { recursive: true });
        const file = join(options.outDir, `${input.table}-${action.id}.csv`);
        await writeFile(file, `# ${params.rows} rows of ${input.table}, approved by ${action.decision?.by.join(', ')}; grant ${grantId}\n`);
        void grant; // a real tool would hand the grant to the system that performs the export
        return `Exported ${params.rows} rows of ${input.table} to ${file}.`;
      },
      {
        ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
        ...(options.onUpdate ? { onUpdate: options.onUpdate } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } catch (error) {
    return explain(error);
  }
}

/** What the agent is told when the export did not run. Anything unexpected is rethrown. */
function explain(error: unknown): string {
  if (error instanceof ActionDenied) return `Not exported: denied${error.rule ? ` under rule ${error.rule}` : ''}: ${error.reason ?? 'no reason given'}.`;
  if (error instanceof ActionExpired) return 'Not exported: nobody approved it in time.';
  if (error instanceof ActionCancelled) return `Not exported: the request was cancelled${error.reason ? ` (${error.reason})` : ''}.`;
  if (error instanceof WaitTimedOut) return `Not exported yet: still waiting for approval of action ${error.actionId}; call the tool again to keep waiting.`;
  if (error instanceof CountersignUnavailable) return 'Not exported: Countersign could not be reached, so nothing ran. Try again later.';
  if (error instanceof RequestRejected && error.code === 'already-redeemed') return 'Not exported again: this exact export already ran.';
  throw error;
}
