/**
 * The embedded default with a fault in its file log, for the crash-consistency test
 * (test/e2e/crash-consistency.e2e.spec.ts). Production code has no switch for it: the fault is an
 * option of the file log, composed here.
 *   COUNTERSIGN_TEST_FAULT=torn-append  the first group commit holding a multi-record append (a vote
 *                                       and its decision) is written in part, without fsync, and the
 *                                       process is killed: what a power loss mid-write leaves
 */
import { FILE_LOG_FAULTS, type FileLogFault } from '@countersign/eventlog';
import { ALL_SERVICES, runServices } from '@countersign/shell';

const fault = process.env.COUNTERSIGN_TEST_FAULT;
if (!(FILE_LOG_FAULTS as readonly string[]).includes(fault ?? '')) throw new Error(`COUNTERSIGN_TEST_FAULT must be one of ${FILE_LOG_FAULTS.join(', ')}`);
await runServices('countersign', ALL_SERVICES, { fileLog: { fault: fault as FileLogFault } });
