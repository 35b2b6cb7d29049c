// One list out of several servers' lists, for tools and prompts: every server's items in the
// configuration's order, each under its own name or its server's prefix + name, every page
// followed here (a cursor could not say which server's page comes next). Two servers exposing one
// name is refused, never resolved by picking one: what was meant for one server must not reach
// another (fail closed).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { UpstreamConfig } from './config-schema.ts';

export interface Upstream {
  config: UpstreamConfig;
  /** A connected client of the upstream MCP server. */
  client: Client;
}

/** A bound on one server's list pages, so a server that never stops paging cannot hold a list open. */
export const MAX_LIST_PAGES = 50;

/** Two servers offer one tool or prompt name, or one resource URI: the gate cannot tell which is meant. */
export class UpstreamConflict extends Error {
  constructor(readonly kind: 'tool' | 'prompt' | 'resource', readonly item: string, readonly servers: readonly [string, string], hint: string) {
    super(`the upstream MCP servers ${servers[0]} and ${servers[1]} both ${kind === 'resource' ? 'list' : 'expose'} the ${kind} "${item}"; ${hint}`);
  }
}

export const PREFIX_HINT = 'give one of them a prefix (upstreams.<server>.prefix)';

export interface Page<T> {
  items: T[];
  nextCursor?: string | undefined;
}

/** Every page of one server's list, at most MAX_LIST_PAGES of them. */
export async function listPages<T>(upstream: Upstream, what: string, page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < MAX_LIST_PAGES; n++) {
    const result = await page(cursor);
    items.push(...result.items);
    cursor = result.nextCursor;
    if (cursor === undefined) return items;
  }
  throw new Error(`the upstream MCP server ${upstream.config.server} listed more than ${MAX_LIST_PAGES} pages of ${what}`);
}

/** Whether a server said it has tools, prompts or resources (its initialize answer): only those are asked. */
export function offers(upstream: Upstream, capability: 'tools' | 'prompts' | 'resources'): boolean {
  return upstream.client.getServerCapabilities()?.[capability] !== undefined;
}

export interface NamedRoute<T> {
  upstream: Upstream;
  /** The item as its server listed it (its own name). */
  item: T;
}

export interface CatalogSource<T> {
  kind: 'tool' | 'prompt';
  /** Plural, for errors: "tools". */
  what: string;
  page(upstream: Upstream, cursor: string | undefined): Promise<Page<T>>;
  /** A name the gate keeps for itself (countersign_wait): an upstream item of that name is hidden. */
  reserved?: string;
  /** The error for a name two servers expose (default: an UpstreamConflict that says to use a prefix). */
  conflict?: (name: string, servers: readonly [string, string]) => UpstreamConflict;
}

export class NamedCatalog<T extends { name: string }> {
  private routes = new Map<string, NamedRoute<T>>();
  private conflicts = new Map<string, UpstreamConflict>();

  constructor(readonly upstreams: readonly Upstream[], private readonly source: CatalogSource<T>) {}

  /**
   * Every server's items as the agent sees them. Throws the first UpstreamConflict found; the
   * conflicting name then routes nowhere until a list without it.
   */
  async list(): Promise<T[]> {
    const listed = await Promise.all(this.upstreams.map(async (upstream) => ({
      upstream, items: await listPages(upstream, this.source.what, (cursor) => this.source.page(upstream, cursor)),
    })));
    const routes = new Map<string, NamedRoute<T>>();
    const conflicts = new Map<string, UpstreamConflict>();
    const exposed: T[] = [];
    for (const { upstream, items } of listed) {
      for (const item of items) {
        const name = upstream.config.prefix + item.name;
        if (name === this.source.reserved) continue;
        const taken = routes.get(name);
        if (taken?.upstream === upstream) continue;
        if (taken) {
          if (!conflicts.has(name)) conflicts.set(name, this.conflict(name, [taken.upstream.config.server, upstream.config.server]));
          continue;
        }
        routes.set(name, { upstream, item });
        exposed.push(name === item.name ? item : { ...item, name });
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
   * The route of an exposed name. A name not seen yet (used before any list, or added since)
   * lists again once: the gate never guesses a server.
   */
  async resolve(name: string): Promise<NamedRoute<T> | UpstreamConflict | undefined> {
    const known = this.routes.get(name) ?? this.conflicts.get(name);
    if (known) return known;
    try {
      await this.list();
    } catch (error) {
      if (!(error instanceof UpstreamConflict)) throw error;
    }
    return this.routes.get(name) ?? this.conflicts.get(name);
  }

  /** Forgets the last list (a server said its list changed): the next use lists again. */
  forget(): void {
    this.routes = new Map();
    this.conflicts = new Map();
  }

  private conflict(name: string, servers: readonly [string, string]): UpstreamConflict {
    return this.source.conflict?.(name, servers) ?? new UpstreamConflict(this.source.kind, name, servers, PREFIX_HINT);
  }
}
