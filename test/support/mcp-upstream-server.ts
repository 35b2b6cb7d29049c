// A real MCP server (stdio) for the gate's tests: read_file, delete_file, transfer_funds and
// drop_table. Every call it receives is appended, with its arguments, to the JSON-lines file named
// by its first argument, so a test sees exactly what reached the upstream, and how often.
//   node --import tsx test/support/mcp-upstream-server.ts <calls.jsonl>
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const callsFile = process.argv[2];
if (!callsFile) {
  process.stderr.write('usage: mcp-upstream-server.ts <calls.jsonl>\n');
  process.exit(2);
}
const record = (tool: string, args: unknown) => appendFileSync(callsFile, `${JSON.stringify({ tool, args })}\n`);

const server = new McpServer({ name: 'test-upstream', version: '1.0.0' });
server.registerTool('read_file', {
  description: 'Reads a file',
  inputSchema: { path: z.string() },
  annotations: { readOnlyHint: true },
}, async (args) => {
  record('read_file', args);
  return { content: [{ type: 'text', text: `contents of ${args.path}` }] };
});
server.registerTool('delete_file', {
  description: 'Deletes a file',
  inputSchema: { path: z.string() },
  annotations: { destructiveHint: true },
}, async (args) => {
  record('delete_file', args);
  if (args.path.includes('missing')) return { content: [{ type: 'text', text: `no such file: ${args.path}` }], isError: true };
  return { content: [{ type: 'text', text: `deleted ${args.path}` }] };
});
server.registerTool('transfer_funds', {
  description: 'Moves money between accounts',
  inputSchema: { from: z.string(), to: z.string(), amount: z.number() },
}, async (args) => {
  record('transfer_funds', args);
  return { content: [{ type: 'text', text: `moved ${args.amount} from ${args.from} to ${args.to}` }] };
});
server.registerTool('drop_table', {
  description: 'Drops a table',
  inputSchema: { table: z.string() },
}, async (args) => {
  record('drop_table', args);
  return { content: [{ type: 'text', text: `dropped ${args.table}` }] };
});

await server.connect(new StdioServerTransport());
