/**
 * What opening a topic file does with what the scan found, given how far the topic was
 * acknowledged: open it as it is, cut a torn tail, or refuse it. Pure, shared by the log (which
 * acts on it) and `countersign log check` (which only reports it), so the two always agree.
 *
 * Only the tail of the last, unacknowledged batch may be cut: an incomplete last line, or the
 * records of a batch whose end never reached the disk, and then the whole batch. Anything else is
 * refused, wherever it is: a complete line that is not a record (a bad checksum included), a file
 * shorter than its acknowledged length, or a tail that reaches into it.
 */
import type { TopicScan } from './topic-scan.ts';

/** How far a topic was acknowledged: durable, and maybe already answered to someone. */
export interface Acknowledged {
  bytes: number;
  records: number;
}

export interface TornTail {
  /** The first byte cut: the end of the last complete batch. */
  fromByte: number;
  bytes: number;
  /** The offset of the first record cut, and how many complete records of the batch are cut. */
  fromRecord: number;
  records: number;
  /** Bytes of a last line without its newline. */
  partialLine: number;
}

export interface Refusal {
  record: number;
  byte: number;
  reason: string;
}

export type TopicVerdict = { state: 'clean' } | { state: 'torn-tail'; cut: TornTail } | { state: 'refused'; problem: Refusal };

export function assessTopic(scan: TopicScan, acknowledged: Acknowledged | undefined): TopicVerdict {
  const ackBytes = acknowledged?.bytes ?? 0;
  const where = (byte: number) =>
    acknowledged === undefined ? '' : byte < ackBytes ? ', inside the acknowledged part' : ', after the acknowledged part';
  if (scan.damage) {
    const { record, byte, reason } = scan.damage;
    return refused(record, byte, `${reason}${where(byte)}`);
  }
  if (acknowledged) {
    const ack = `${acknowledged.bytes} bytes (${acknowledged.records} records) were acknowledged`;
    if (scan.fileBytes < acknowledged.bytes) {
      const partial = scan.tail?.partialLine ?? 0;
      return refused(scan.recordCount + (scan.tail?.records ?? 0), scan.fileBytes - partial, `the file ends at byte ${scan.fileBytes} but ${ack}: acknowledged records are missing`);
    }
    if (scan.completeBytes < acknowledged.bytes) {
      return refused(scan.recordCount, scan.completeBytes, `the batch starting here is incomplete but ${ack}`);
    }
    const probe = scan.probe ?? { records: scan.recordCount, at: 'inside-record' };
    if (probe.at !== 'batch-end') {
      const inside = probe.at === 'inside-record' ? `inside record #${probe.records}` : `between records #${probe.records - 1} and #${probe.records} of one batch`;
      return refused(probe.records, acknowledged.bytes, `${ack}, but byte ${acknowledged.bytes} is ${inside}`);
    }
    if (probe.records !== acknowledged.records) {
      return refused(probe.records, acknowledged.bytes, `${ack}, but the batches up to there hold ${probe.records} records`);
    }
  }
  if (scan.tail) {
    return { state: 'torn-tail', cut: { fromByte: scan.completeBytes, bytes: scan.tail.bytes, fromRecord: scan.recordCount, records: scan.tail.records, partialLine: scan.tail.partialLine } };
  }
  return { state: 'clean' };
}

function refused(record: number, byte: number, reason: string): TopicVerdict {
  return { state: 'refused', problem: { record, byte, reason } };
}

/** The one line a refused topic is reported with: the file, record, byte, what, and what to do. */
export function refusalMessage(path: string, problem: Refusal): string {
  return `event log: refusing to open ${path}: record #${problem.record} at byte ${problem.byte}: ${problem.reason}; nothing was changed. ` +
    `Run \`countersign log check\` on the data directory for the whole picture, then restore it from a backup ` +
    `(docs/operations.md, "When the log is refused")`;
}

/** The warning a cut torn tail is reported with: what was cut, and why that is safe. */
export function tornTailMessage(path: string, cut: TornTail, acknowledged: Acknowledged | undefined): string {
  const parts = [
    ...(cut.records > 0 ? [`${cut.records} record(s) of a batch whose end never reached the disk (offsets ${cut.fromRecord}..${cut.fromRecord + cut.records - 1})`] : []),
    ...(cut.partialLine > 0 ? [`an incomplete last line of ${cut.partialLine} byte(s)`] : []),
  ];
  const ack = acknowledged ? `acknowledged up to byte ${acknowledged.bytes} (${acknowledged.records} records)` : 'no acknowledged length recorded';
  return `event log: ${path}: cutting a torn tail: ${cut.bytes} byte(s) from byte ${cut.fromByte} (record #${cut.fromRecord} on): ` +
    `${parts.join(' and ')}; ${ack}. A write that was never acknowledged was torn by a crash`;
}
