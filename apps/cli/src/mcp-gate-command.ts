// `countersign mcp-gate --config gate.yaml [-- <command> …]`: an MCP server on stdio that fronts
// one upstream MCP server (the command after --, or `upstream.url` over Streamable HTTP) and lets
// a tool call through only once Countersign approved it (docs/agents.md "The MCP gate").
// stdout is the MCP channel: everything else goes to stderr.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Command } from 'commander';
import { CliError, UsageError } from './cli-errors.ts';
import { CLI_USER_AGENT, connect, withRemoteOptions } from './client-options.ts';

interface GateFlags {
  config: string;
  url?: string;
  apiKey?: string;
}

export function registerMcpGateCommand(program: Command): void {
  withRemoteOptions(
    program
      .command('mcp-gate')
      .description('an MCP server (stdio) in front of an upstream MCP server: every tool call is proposed to Countersign and forwarded only once approved')
      .requiredOption('--config <file>', 'the gate configuration (YAML): server name, tool mappings, pending bound')
      .argument('[command...]', 'after --: the upstream MCP server to run and talk to over stdio'),
  )
    .addHelpText('after', `
Example:
  COUNTERSIGN_API_KEY=… countersign mcp-gate --config gate.yaml -- npx -y @modelcontextprotocol/server-filesystem /srv/data
The upstream command gets a minimal environment (PATH, HOME, …), never the agent's COUNTERSIGN_API_KEY.`)
    .action((command: string[], flags: GateFlags) => serve(command, flags));
}

async function serve(command: string[], flags: GateFlags): Promise<void> {
  // Loaded when the command runs, as for `mcp` and `hook`: other commands never pay for them.
  const [{ loadGateConfig, McpGate }, { Client }, { getDefaultEnvironment, StdioClientTransport }, { StreamableHTTPClientTransport }, { StdioServerTransport }] = await Promise.all([
    import('@countersign/agents'),
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
  ]);
  const config = await loadGateConfig(flags.config).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  if (config.upstream && command.length > 0) throw new UsageError(`${flags.config}: upstream.url and a command after -- both name an upstream; keep one`);
  if (!config.upstream && command.length === 0) throw new UsageError('no upstream: give its command after -- (or upstream.url in the configuration)');
  const { client: countersign } = connect(flags, process.env);
  const upstreamTransport: Transport = config.upstream
    ? new StreamableHTTPClientTransport(new URL(config.upstream.url))
    : new StdioClientTransport({ command: command[0]!, args: command.slice(1), env: getDefaultEnvironment(), stderr: 'inherit' });
  const upstream = new Client({ name: CLI_USER_AGENT, version: '0.1.0' });
  try {
    await upstream.connect(upstreamTransport);
  } catch (error) {
    throw new CliError(`cannot start the upstream MCP server (${config.upstream?.url ?? command.join(' ')}): ${(error as Error).message}`);
  }
  const gate = new McpGate({ config, countersign, upstream, log: (line) => process.stderr.write(`${line}\n`) });
  const done = new Promise<string | undefined>((resolve) => {
    gate.server.onclose = () => resolve(undefined);
    upstream.onclose = () => resolve('the upstream MCP server closed the connection');
  });
  await gate.server.connect(new StdioServerTransport());
  const why = await done;
  await gate.close().catch(() => {});
  await upstream.close().catch(() => {});
  if (why) throw new CliError(why);
}
