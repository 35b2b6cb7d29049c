// What `countersign log check` prints: pure, from the report of the data directory.
import type { LogReport, TopicReport } from '@countersign/eventlog';
import { escapeForLog } from '@countersign/telemetry';

/** 0: clean; 1: the log would be refused; 3: it would open after cutting a torn tail. */
export const EXIT = { clean: 0, refused: 1, 'torn-tail': 3 } as const;

const RESULT = {
  clean: 'clean: the log opens as it is',
  'torn-tail': 'a torn tail would be cut at the next start (a write that was never acknowledged)',
  refused: 'refused: the log would not open. See docs/operations.md, "When the log is refused"',
} as const;

export function checkText(report: LogReport): string {
  const lock = report.lock?.live ? ` (in use by process ${report.lock.pid}: this is a snapshot of a running log)` : '';
  const lines = [
    `log ${report.dir}${lock}`,
    ...report.topics.map(topicLine),
    ...report.checkpoints.map((c) => c.state === 'malformed'
      ? `checkpoint ${c.group}@${c.topic}: REFUSED: ${c.path} is malformed (expected {"nextOffset": <a whole number>})`
      : `checkpoint ${c.group}@${c.topic}: next offset ${c.nextOffset} of ${c.topicRecords} record(s): ${c.state === 'within' ? 'within the topic' : 'REFUSED: beyond the end of the topic (records the group had handled are missing)'}`),
    `result: ${RESULT[report.state]} (exit ${EXIT[report.state]})`,
  ];
  return lines.map((l) => `${escapeForLog(l, 2000)}\n`).join('');
}

function topicLine(t: TopicReport): string {
  const size = t.fileBytes === undefined ? 'no file' : `${t.records} record(s) in ${t.batches} batch(es), ${t.fileBytes} bytes`;
  const ack = t.acknowledged ? `acknowledged ${t.acknowledged.bytes} bytes (${t.acknowledged.records} records)` : 'no acknowledged length';
  const v = t.verdict;
  const state = v.state === 'clean'
    ? 'clean'
    : v.state === 'refused'
      ? `REFUSED: record #${v.problem.record} at byte ${v.problem.byte}: ${v.problem.reason}`
      : `torn tail would be cut: ${v.cut.bytes} byte(s) from byte ${v.cut.fromByte}` +
        (v.cut.records > 0 ? `, ${v.cut.records} record(s) of an incomplete batch (offsets ${v.cut.fromRecord}..${v.cut.fromRecord + v.cut.records - 1})` : '') +
        (v.cut.partialLine > 0 ? `, an incomplete last line of ${v.cut.partialLine} byte(s)` : '');
  return `topic ${t.topic}: ${size}, ${ack}: ${state}`;
}

/** The report as JSON for machines, with the result and the exit status it gives. */
export function checkJson(report: LogReport): string {
  return `${JSON.stringify({ ...report, result: report.state, exitCode: EXIT[report.state] }, null, 2)}\n`;
}
