import { resolve } from 'node:path';
import { REPO_ROOT } from '@countersign/config';
import { CONSOLE_DIR, ConsoleController } from './console.controller.ts';

export { ConsoleController, CONSOLE_DIR };

/** The built console sits beside the apps' bundles: dist/console under the repository (or /app). */
export const consoleDirProvider = { provide: CONSOLE_DIR, useValue: resolve(REPO_ROOT, 'dist', 'console') };
