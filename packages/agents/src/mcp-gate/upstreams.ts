// The gate's upstream servers' tools seen as one: every server's tools in one list (each under its
// own name, or its prefix + name), and an exposed name routed back to its server and the server's
// own tool name. Two servers exposing one name is refused, never resolved by picking one: a call
// meant for one server must not run on another (fail closed). Prompts work the same way
// (prompts.ts); resources are routed by URI (resources.ts).
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { MAX_LIST_PAGES, NamedCatalog, offers, PREFIX_HINT, UpstreamConflict, type Upstream } from './catalog.ts';
import { WAIT_TOOL } from './messages.ts';

export type { Upstream } from './catalog.ts';

/** Where an exposed tool name goes: the server, and the tool as that server listed it (its own name). */
export interface Route {
  upstream: Upstream;
  tool: Tool;
}

/** A bound on one server's tools/list pages (the same as for every list). */
export const MAX_TOOL_PAGES = MAX_LIST_PAGES;

export class ToolNameConflict extends UpstreamConflict {
  constructor(readonly tool: string, servers: readonly [string, string]) {
    super('tool', tool, servers, PREFIX_HINT);
  }
}

export class UpstreamTools {
  private readonly catalog: NamedCatalog<Tool>;

  constructor(readonly upstreams: readonly Upstream[]) {
    // A server with only prompts or resources has no tools/list to ask.
    this.catalog = new NamedCatalog<Tool>(upstreams.filter((u) => offers(u, 'tools')), {
      kind: 'tool',
      what: 'tools',
      page: async ({ client }, cursor) => {
        const { tools, nextCursor } = await client.listTools(cursor === undefined ? undefined : { cursor });
        return { items: tools, nextCursor };
      },
      // The gate's own countersign_wait is never shadowed by an upstream tool of that name.
      reserved: WAIT_TOOL,
      conflict: (name, servers) => new ToolNameConflict(name, servers),
    });
  }

  byServer(server: unknown): Upstream | undefined {
    return this.upstreams.find((u) => u.config.server === server);
  }

  get servers(): string[] {
    return this.upstreams.map((u) => u.config.server);
  }

  /**
   * Every server's tools, as the agent sees them, in the configuration's order (countersign_wait
   * not among them). Throws the first ToolNameConflict found; the conflicting name then routes
   * nowhere until a list without it.
   */
  list(): Promise<Tool[]> {
    return this.catalog.list();
  }

  /**
   * The route of an exposed name. A name not seen yet (a call before any tools/list, or a tool
   * the server added since) lists again once: calls never guess a server.
   */
  async resolve(name: string): Promise<Route | ToolNameConflict | undefined> {
    const route = await this.catalog.resolve(name);
    if (route === undefined || route instanceof UpstreamConflict) return route as ToolNameConflict | undefined;
    return { upstream: route.upstream, tool: route.item };
  }

  /** A server said its tools changed: list again now, so routes and annotations are current. */
  async refresh(): Promise<void> {
    this.catalog.forget();
    await this.catalog.list().catch(() => {});
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
