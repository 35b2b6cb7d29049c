import { createMemorySessionStore } from './memory-session-store.ts';
import { sessionStoreContract } from './session-store.contract.ts';

sessionStoreContract('memory', async () => ({ store: createMemorySessionStore(), close: async () => undefined }));
