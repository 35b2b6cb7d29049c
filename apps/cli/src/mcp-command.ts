// `countersign mcp`: Countersign as an MCP server over stdio, for agents that choose to ask
// (packages/agents/src/mcp-server). Runs until the client closes stdin.
import type { Command } from 'commander';
import { connect, withRemoteOptions } from './client-options.ts';
import type { RemoteFlags } from './remote-config.ts';

export function registerMcpCommand(program: Command): void {
  withRemoteOptions(program.command('mcp'))
    .description('serve the MCP tools request_approval, get_action, wait_for_decision and list_my_pending over stdio (docs/agents.md)')
    .action((options: RemoteFlags) => serve(options));
}

async function serve(options: RemoteFlags): Promise<void> {
  const { remote, client } = connect(options, process.env);
  // Loaded here: the other client commands do not pay for the MCP SDK.
  const [{ createCountersignMcpServer }, { StdioServerTransport }] = await Promise.all([
    import('@countersign/agents/mcp-server'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
  ]);
  const server = createCountersignMcpServer({ client, url: remote.url });
  const closed = new Promise<void>((resolve) => {
    // The stdio transport does not notice the end of stdin itself; the client hanging up ends the server.
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    server.server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  await closed;
  await server.close();
}
