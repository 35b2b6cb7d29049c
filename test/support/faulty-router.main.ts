/**
 * The approval router as its own process, with a fault injected into its event log for the crash
 * tests (test/kafka/router-crash.e2e.spec.ts). Production code has no such switch: the fault is
 * composed here, around the adapter, the way a real crash would hit it.
 *   COUNTERSIGN_TEST_FAULT=crash-before-produce  SIGKILL after deciding a vote, before its events are written
 *   COUNTERSIGN_TEST_FAULT=crash-after-commit    SIGKILL once events and offsets are committed, before the router's table moves
 */
import { runServices } from '@countersign/shell';
import type { BatchContext, EventLog, LogRecord } from '@countersign/eventlog';

const fault = process.env.COUNTERSIGN_TEST_FAULT;
const decidesVote = (records: readonly LogRecord[]) => records.some((r) => (r.value as { type?: string }).type === 'VoteRecorded');

function withFault(log: EventLog): EventLog {
  return {
    ...log,
    subscribe: (options) => {
      if (options.group !== 'approval-router') return log.subscribe(options);
      return log.subscribe({
        ...options,
        handler: async (records, context) => {
          const staged: LogRecord[] = [];
          const watched: BatchContext = { append: (topic, output) => (staged.push(...output), context.append(topic, output)), afterCommit: context.afterCommit };
          // Registered before the router's own callback, so it runs first: the commit is done, the table not moved.
          if (fault === 'crash-after-commit') context.afterCommit(() => decidesVote(staged) && process.kill(process.pid, 'SIGKILL'));
          const result = await options.handler(records, watched);
          if (fault === 'crash-before-produce' && decidesVote(staged)) process.kill(process.pid, 'SIGKILL');
          return result;
        },
      });
    },
  };
}

await runServices('countersign-approval-router', ['approval-router'], { eventLog: withFault });
