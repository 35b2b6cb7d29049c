// `countersign mcp-gate --config gate.yaml [--listen host:port] [-- <command> …]`: an MCP server
// that fronts one or more upstream MCP servers (the command after --, `upstream.url` over
// Streamable HTTP, or each of `upstreams` with its own command or URL) and lets a tool call or
// resource read through only once Countersign approved it (docs/agents.md "The MCP gate").
// On stdio (the default) stdout is the MCP channel: everything else goes to stderr. With --listen
// it serves Streamable HTTP, one session per agent with the agent's own key (mcp-gate-http.ts).
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Command } from 'commander';
import type { GateUpstreamConfig } from '@countersign/agents/mcp-gate';
import { CliError, UsageError } from './cli-errors.ts';
import { CLI_USER_AGENT, connect, withRemoteOptions } from './client-options.ts';
import { parseListen, type ListenAddress } from './mcp-gate-listen.ts';
import { resolveUrl } from './remote-config.ts';

interface GateFlags {
  config: string;
  url?: string;
  apiKey?: string;
  listen?: string;
  maxSessions?: string;
}

export function registerMcpGateCommand(program: Command): void {
  withRemoteOptions(
    program
      .command('mcp-gate')
      .description('an MCP server (stdio, or Streamable HTTP with --listen) in front of one or more upstream MCP servers: every tool call and resource read is proposed to Countersign and forwarded only once approved')
      .requiredOption('--config <file>', 'the gate configuration (YAML): server name(s), tool mappings, pending bound')
      .option('--listen <host:port>', 'serve MCP Streamable HTTP at http://<host:port>/mcp instead of stdio, e.g. 127.0.0.1:8931; each agent sends its own API key (Authorization: Bearer)')
      .option('--max-sessions <n>', 'with --listen: at most this many agent sessions at once (default 100)')
      .argument('[command...]', 'after --, with a single `server` configuration: the upstream MCP server to run and talk to over stdio'),
  )
    .addHelpText('after', `
Example:
  COUNTERSIGN_API_KEY=… countersign mcp-gate --config gate.yaml -- npx -y @modelcontextprotocol/server-filesystem /srv/data
  countersign mcp-gate --config gates.yaml       (several servers, each under upstreams: with its command or url)
  countersign mcp-gate --config gates.yaml --listen 127.0.0.1:8931
                                                 (Streamable HTTP at /mcp; each agent: Authorization: Bearer <its API key>)
An upstream command gets a minimal environment (PATH, HOME, …), never the agent's COUNTERSIGN_API_KEY.
With --listen the gate holds no key: each session proposes as the agent whose key opened it, and
COUNTERSIGN_API_KEY is ignored (--api-key is refused). Idle sessions close after 30 minutes; off
loopback, put TLS in front.`)
    .action((command: string[], flags: GateFlags) => serve(command, flags));
}

async function serve(command: string[], flags: GateFlags): Promise<void> {
  // Loaded when the command runs, as for `mcp` and `hook`: other commands never pay for them.
  const [{ loadGateConfig, GateUpstreams, McpGate, ToolNameConflict }, { Client }, { getDefaultEnvironment, StdioClientTransport }, { StreamableHTTPClientTransport }, { StdioServerTransport }] = await Promise.all([
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
  const listen = listenFlags(flags);
  // Over HTTP each agent's own key; never the gate's COUNTERSIGN_API_KEY, set or not.
  const countersign = listen ? undefined : connect(flags, process.env).client;
  const countersignUrl = resolveUrl(flags, process.env);

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

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const upstreams = new GateUpstreams(config, Object.fromEntries(config.upstreams.map((u, i) => [u.server, clients[i]!])), log);
  const done = new Promise<string | undefined>((resolve) => {
    config.upstreams.forEach((u, i) => {
      clients[i]!.onclose = () => resolve(`the upstream MCP server ${u.server} closed the connection`);
    });
  });
  try {
    // Before any agent connects: two servers exposing one tool name is a configuration to fix.
    await upstreams.tools.list();
  } catch (error) {
    await closeAll();
    throw new CliError(error instanceof ToolNameConflict ? error.message : `cannot list the upstream MCP servers' tools: ${(error as Error).message}`);
  }
  let why: string | undefined;
  if (listen) {
    const { HttpGate } = await import('./mcp-gate-http.ts');
    const http = new HttpGate({ config, upstreams, address: listen.address, countersignUrl, maxSessions: listen.maxSessions, log });
    await http.listen().catch(async (error: Error) => {
      await closeAll();
      throw new CliError(`cannot listen on ${listen.address.authority}: ${error.message}`);
    });
    log(`countersign mcp-gate: listening on http://${listen.address.authority}/mcp`);
    if (!listen.address.loopback) log(`countersign mcp-gate: ${listen.address.host} is reachable beyond this machine and agents send their API keys in every request: put TLS in front`);
    why = await Promise.race([done, signalled()]);
    await http.close();
  } else {
    const gate = new McpGate({ config, countersign: countersign!, upstreams, log });
    await gate.server.connect(new StdioServerTransport());
    why = await Promise.race([done, new Promise<undefined>((resolve) => (gate.server.onclose = () => resolve(undefined)))]);
    await gate.close().catch(() => {});
  }
  await closeAll();
  if (why) throw new CliError(why);
}

function listenFlags(flags: GateFlags): { address: ListenAddress; maxSessions: number } | undefined {
  if (flags.listen === undefined) {
    if (flags.maxSessions !== undefined) throw new UsageError('--max-sessions: only with --listen');
    return undefined;
  }
  if (flags.apiKey !== undefined) throw new UsageError('--api-key: with --listen each agent sends its own key (Authorization: Bearer); the gate holds none');
  const text = flags.maxSessions ?? '100';
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) throw new UsageError(`--max-sessions ${JSON.stringify(text)}: expected a whole number from 1 to 999999`);
  return { address: parseListen(flags.listen), maxSessions: Number(text) };
}

/** Resolves on the first SIGINT or SIGTERM: the sessions and upstreams are closed, and the exit is 0. */
function signalled(): Promise<undefined> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(undefined);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
