// A real MCP server (stdio) for the gate's tests: read_file, delete_file, transfer_funds and
// drop_table, the prompt summarize and the resources notes://public/readme, notes://secret/keys
// and notes://team/plan.
// Every call and read it receives is appended, with its arguments, to the JSON-lines file named
// by its first argument, so a test sees exactly what reached the upstream, and how often.
//   node --import tsx test/support/mcp-upstream-server.ts <calls.jsonl>
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createUpstreamServer } from './mcp-upstream-tools.ts';

const callsFile = process.argv[2];
if (!callsFile) {
  process.stderr.write('usage: mcp-upstream-server.ts <calls.jsonl>\n');
  process.exit(2);
}
await createUpstreamServer(callsFile).connect(new StdioServerTransport());
