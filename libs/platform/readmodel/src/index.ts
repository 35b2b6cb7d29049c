export * from './read-model.port.ts';
export { createMemoryReadModelStore } from './memory-read-model.ts';
export { createMongoReadModelStore, type MongoReadModelOptions } from './mongo/mongo-read-model.ts';
export { READ_MODEL_INDEXES, type IndexKey, type IndexSpecs } from './mongo/read-model-indexes.ts';
export { lazyReadModelStore, ReadModelUnavailableError } from './lazy-read-model.ts';
