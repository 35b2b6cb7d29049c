/** The example's code, for tests that run it. */
export { executeJob, type ExecutorOptions, type Job, type JobResult } from './executor.ts';
