/** Test helpers of the read-model port: its contract suite. Never imported by production code. */
export { readModelContract, type ReadModelFixture } from '../read-model.contract.ts';
