import { join } from 'node:path';
import { ROOT } from './countersign-process.ts';

/** The demo principals with the e2e policy set (the demo rules plus a 2-second timeout rule). */
export const E2E_ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/policies'),
};
