// The test upstream's tools, prompt and resources, for stdio (mcp-upstream-server.ts) and
// Streamable HTTP (the gate's e2e serves it in-process). Every call and every resource read is
// appended, with its arguments, to a JSON-lines file (a read as `{ tool: 'resources/read', args: { uri } }`).
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export function createUpstreamServer(callsFile: string): McpServer {
  const record = (tool: string, args: unknown) => appendFileSync(callsFile, `${JSON.stringify({ tool, args })}\n`);
  const server = new McpServer({ name: 'test-upstream', version: '1.0.0' });
  server.registerTool('read_file', {
    description: 'Reads a file',
    inputSchema: { path: z.string() },
    annotations: { readOnlyHint: true },
  }, async (args) => {
    record('read_file', args);
    // A long-running tool, for the gate's callTimeout: paths under slow/ take 5 s.
    if (args.path.startsWith('slow/')) await new Promise((resolve) => setTimeout(resolve, 5_000));
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
  server.registerPrompt('summarize', {
    description: 'Summarizes a topic',
    argsSchema: { topic: z.string() },
  }, (args) => ({ description: 'A summary request', messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${args.topic} in three lines.` } }] }));
  for (const [name, uri, text] of [['readme', 'notes://public/readme', 'Welcome to the notes.'], ['keys', 'notes://secret/keys', 'sk-not-for-agents'], ['plan', 'notes://team/plan', 'Ship in May.']] as const) {
    server.registerResource(name, uri, { mimeType: 'text/plain' }, (read) => {
      record('resources/read', { uri: read.href });
      return { contents: [{ uri: read.href, mimeType: 'text/plain', text }] };
    });
  }
  return server;
}
