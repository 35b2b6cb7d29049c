// @countersign/agents: Countersign in the paths of agents' tools (issue 12). Each part is
// exported from its own module as it lands: the MCP gate, the MCP server, the runtime adapters.
export {};
export * from './mcp-server/index.ts';
export * from './claude-code/index.ts';
export * from './openai/index.ts';
export * from './langgraph/index.ts';
export * from './mcp-gate/index.ts';
