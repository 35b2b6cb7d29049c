// `countersign mcp-gate --config gate.yaml [-- <command> …]`: an MCP server on stdio that fronts
// one or more upstream MCP servers (the command after --, `upstream.url` over Streamable HTTP, or
// each of `upstreams` with its own command or URL) and lets a tool call or resource read through
// only once Countersign approved it (docs/agents.md "The MCP gate").
// stdout is the MCP channel: everything else goes to stderr.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Command } from 'commander';
import type { GateUpstreamConfig } from '@countersign/agents/mcp-gate';
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
      .description('an MCP server (stdio) in front of one or more upstream MCP servers: every tool call and resource read is proposed to Countersign and forwarded only once approved')
      .requiredOption('--config <file>', 'the gate configuration (YAML): server name(s), tool mappings, pending bound')
      .argument('[command...]', 'after --, with a single `server` configuration: the upstream MCP server to run and talk to over stdio'),
  )
    .addHelpText('after', `
Example:
  COUNTERSIGN_API_KEY=… countersign mcp-gate --config gate.yaml -- npx -y @modelcontextprotocol/server-filesystem /srv/data
  countersign mcp-gate --config gates.yaml       (several servers, each under upstreams: with its command or url)
An upstream command gets a minimal environment (PATH, HOME, …), never the agent's COUNTERSIGN_API_KEY.`)
    .action((command: string[], flags: GateFlags) => serve(command, flags));
}

async function serve(command: string[], flags: GateFlags): Promise<void> {
  // Loaded when the command runs, as for `mcp` and `hook`: other commands never pay for them.
  const [{ loadGateConfig, McpGate, ToolNameConflict }, { Client }, { getDefaultEnvironment, StdioClientTransport }, { StreamableHTTPClientTransport }, { StdioServerTransport }] = await Promise.all([
    import('@countersign/agents/mcp-gate'),
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
  ]);
  const config = await loadGateConfig(flags.config).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  // Only the single-server form without upstream.url takes its server from the command line.
  const fromArgs = config.upstreams.some((u) => u.transport.kind === 'args');
  if (!fromArgs && command.length > 0) throw new UsageError(`${flags.config}: the configuration names its upstreams (upstream.url or upstreams), and so does the command after --; keep one`);
  if (fromArgs && command.length === 0) throw new UsageError('no upstream: give its command after -- (or upstream.url in the configuration)');
  const { client: countersign } = connect(flags, process.env);

  const where = (u: GateUpstreamConfig) => (u.transport.kind === 'url' ? u.transport.url : (u.transport.kind === 'command' ? u.transport.argv : command).join(' '));
  const open = (u: GateUpstreamConfig): Transport => {
    if (u.transport.kind === 'url') return new StreamableHTTPClientTransport(new URL(u.transport.url));
    const argv = u.transport.kind === 'command' ? u.transport.argv : command;
    // The MCP SDK's minimal environment: never the gate's COUNTERSIGN_API_KEY.
    return new StdioClientTransport({ command: argv[0]!, args: argv.slice(1), env: getDefaultEnvironment(), stderr: 'inherit' });
  };
  const clients = config.upstreams.map(() => new Client({ name: CLI_USER_AGENT, version: '0.1.0' }));
  const closeAll = () => Promise.allSettled(clients.map((c) => c.close()));
  const started = await Promise.allSettled(config.upstreams.map((u, i) => clients[i]!.connect(open(u))));
  const failed = started.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    await closeAll();
    const upstream = config.upstreams[failed]!;
    const reason = (started[failed] as PromiseRejectedResult).reason as Error;
    throw new CliError(`cannot start the upstream MCP server ${upstream.server} (${where(upstream)}): ${reason.message}`);
  }

  const upstreams = Object.fromEntries(config.upstreams.map((u, i) => [u.server, clients[i]!]));
  const gate = new McpGate({ config, countersign, upstreams, log: (line) => process.stderr.write(`${line}\n`) });
  const done = new Promise<string | undefined>((resolve) => {
    gate.server.onclose = () => resolve(undefined);
    config.upstreams.forEach((u, i) => {
      clients[i]!.onclose = () => resolve(`the upstream MCP server ${u.server} closed the connection`);
    });
  });
  try {
    // Before the agent connects: two servers exposing one tool name is a configuration to fix.
    await gate.listTools();
  } catch (error) {
    await closeAll();
    throw new CliError(error instanceof ToolNameConflict ? error.message : `cannot list the upstream MCP servers' tools: ${(error as Error).message}`);
  }
  await gate.server.connect(new StdioServerTransport());
  const why = await done;
  await gate.close().catch(() => {});
  await closeAll();
  if (why) throw new CliError(why);
}
