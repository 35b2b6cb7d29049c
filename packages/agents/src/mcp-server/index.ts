export { createCountersignMcpServer, MAX_WAIT_SECONDS, type McpServerOptions } from './server.ts';
export { summarize, type ActionSummary } from './answers.ts';
