export * from './read-model.port.ts';
export { createMemoryReadModelStore } from './memory-read-model.ts';
export { readModelContract, type ReadModelFixture } from './read-model.contract.ts';
