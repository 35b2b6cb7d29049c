// The gate's upstream servers seen as one: every server's tools in one list (each under its own
// name, or its prefix + name), and an exposed name routed back to its server and the server's own
// tool name. Two servers exposing one name is refused, never resolved by picking one: a call
// meant for one server must not run on another (fail closed).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamConfig } from './config-schema.ts';
import { WAIT_TOOL } from './messages.ts';

export interface Upstream {
  config: UpstreamConfig;
  /** A connected client of the upstream MCP server. */
  client: Client;
}

/** Where an exposed tool name goes: the server, and the tool as that server listed it (its own name). */
export interface Route {
  upstream: Upstream;
  tool: Tool;
}

/** A bound on one server's tools/list pages, so a server that never stops paging cannot hold a list open. */
export const MAX_TOOL_PAGES = 50;

export class ToolNameConflict extends Error {
  constructor(readonly tool: string, readonly servers: readonly [string, string]) {
    super(`the upstream MCP servers ${servers[0]} and ${servers[1]} both expose the tool "${tool}"; give one of them a prefix (upstreams.<server>.prefix)`);
  }
}

export class UpstreamTools {
  private routes = new Map<string, Route>();
  private conflicts = new Map<string, ToolNameConflict>();

  constructor(readonly upstreams: readonly Upstream[]) {}

  byServer(server: unknown): Upstream | undefined {
    return this.upstreams.find((u) => u.config.server === server);
  }

  get servers(): string[] {
    return this.upstreams.map((u) => u.config.server);
  }

  /**
   * Every server's tools, as the agent sees them, in the configuration's order (the gate's own
   * countersign_wait is not among them: an upstream tool of that name is hidden). Throws the first
   * ToolNameConflict found; the conflicting name then routes nowhere until a list without it.
   */
  async list(): Promise<Tool[]> {
    const listed = await Promise.all(this.upstreams.map(async (upstream) => ({ upstream, tools: await listAll(upstream) })));
    const routes = new Map<string, Route>();
    const conflicts = new Map<string, ToolNameConflict>();
    const exposed: Tool[] = [];
    for (const { upstream, tools } of listed) {
      for (const tool of tools) {
        const name = upstream.config.prefix + tool.name;
        if (name === WAIT_TOOL) continue;
        const taken = routes.get(name);
        if (taken?.upstream === upstream) continue;
        if (taken) {
          if (!conflicts.has(name)) conflicts.set(name, new ToolNameConflict(name, [taken.upstream.config.server, upstream.config.server]));
          continue;
        }
        routes.set(name, { upstream, tool });
        exposed.push(name === tool.name ? tool : { ...tool, name });
      }
    }
    for (const name of conflicts.keys()) routes.delete(name);
    this.routes = routes;
    this.conflicts = conflicts;
    const conflict = conflicts.values().next().value;
    if (conflict) throw conflict;
    return exposed;
  }

  /**
   * The route of an exposed name. A name not seen yet (a call before any tools/list, or a tool
   * the server added since) lists again once: calls never guess a server.
   */
  async resolve(name: string): Promise<Route | ToolNameConflict | undefined> {
    const known = this.routes.get(name) ?? this.conflicts.get(name);
    if (known) return known;
    try {
      await this.list();
    } catch (error) {
      if (!(error instanceof ToolNameConflict)) throw error;
    }
    return this.routes.get(name) ?? this.conflicts.get(name);
  }

  /** The servers' instructions: one server's as it wrote them; several, each headed by its server. */
  instructions(): string | undefined {
    const given = this.upstreams.flatMap((u) => {
      const text = u.client.getInstructions();
      return text ? [{ server: u.config.server, text }] : [];
    });
    if (this.upstreams.length === 1) return given[0]?.text;
    return given.length ? given.map((g) => `## ${g.server}\n\n${g.text}`).join('\n\n') : undefined;
  }
}

async function listAll({ config, client }: Upstream): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = await client.listTools(cursor === undefined ? undefined : { cursor });
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) return tools;
  }
  throw new Error(`the upstream MCP server ${config.server} listed more than ${MAX_TOOL_PAGES} pages of tools`);
}
