/**
 * Sessions on the read models' MongoDB, against a real MongoDB-wire server: FerretDB v1 locally
 * (`bash deploy/local/infra.sh up`), via COUNTERSIGN_MONGO_URL elsewhere. One database per run,
 * dropped at the end. The memory read model runs the same contract too (the store is the port's).
 */
import { after } from 'node:test';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createMemoryReadModelStore, createMongoReadModelStore } from '@countersign/readmodel';
import { createReadModelSessionStore } from './read-model-session-store.ts';
import { sessionStoreContract } from './session-store.contract.ts';

const URL = process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const DATABASE = `countersign_sessions_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;

const admin = await mongoose.createConnection(URL, { dbName: DATABASE, serverSelectionTimeoutMS: 3000 }).asPromise().catch((error: Error) => {
  const line = `no MongoDB-wire server at ${URL} (${error.message}); start one with \`bash deploy/local/infra.sh up\` or set COUNTERSIGN_MONGO_URL`;
  throw Object.assign(new Error(line), { stack: `Error: ${line}` });
});
after(async () => {
  await admin.dropDatabase();
  await admin.close();
});

sessionStoreContract('read models on mongo', async () => {
  const readModels = await createMongoReadModelStore({ url: URL, database: DATABASE, indexes: {}, serverSelectionTimeoutMs: 3000 });
  return { store: createReadModelSessionStore(readModels), close: () => readModels.close() };
});

sessionStoreContract('read models in memory', async () => ({ store: createReadModelSessionStore(createMemoryReadModelStore()), close: async () => undefined }));
