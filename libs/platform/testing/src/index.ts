export { waitFor, type WaitForOptions } from './wait-for.ts';
export { tempDir, type TempDir } from './temp-dir.ts';
export { freePort } from './free-port.ts';
