/** The example's code, for tests that run it. */
export { exportTable, exportToolDefinition, type ExportInput, type ExportToolOptions } from './export-tool.ts';
