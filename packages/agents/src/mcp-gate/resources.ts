// The upstream servers' resources as one: every server's resources and resource templates in the
// configuration's order, URIs unchanged (a URI names the data, so the gate cannot rename it), and
// a URI routed back to the one server it belongs to. A URI two servers list, or one that matches
// several servers' templates, is refused rather than read from a guessed server (fail closed).
import { ErrorCode, McpError, type Resource, type ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { listPages, offers, UpstreamConflict, type Upstream } from './catalog.ts';

const URI_HINT = 'the gate does not rename URIs, so it cannot tell which server a read of it is for';

/** A URI the gate will not read, and why (the candidates it could not choose between, or none). */
export class UnroutableUri extends Error {}

export class UpstreamResources {
  readonly upstreams: readonly Upstream[];
  private routes = new Map<string, Upstream | UpstreamConflict>();
  /** Each server's template prefixes (the text before the first `{`), as last listed. */
  private prefixes: { upstream: Upstream; prefix: string }[] | undefined;

  /** Only the servers that advertise resources are asked. */
  constructor(upstreams: readonly Upstream[]) {
    this.upstreams = upstreams.filter((u) => offers(u, 'resources'));
  }

  get offered(): boolean {
    return this.upstreams.length > 0;
  }

  /** Every server's resources; a URI two servers list throws UpstreamConflict (and reads of it are refused). */
  async list(): Promise<Resource[]> {
    const listed = await Promise.all(this.upstreams.map(async (upstream) => ({
      upstream,
      resources: await listPages(upstream, 'resources', async (cursor) => {
        const { resources, nextCursor } = await upstream.client.listResources(cursor === undefined ? undefined : { cursor });
        return { items: resources, nextCursor };
      }),
    })));
    const routes = new Map<string, Upstream | UpstreamConflict>();
    const exposed: Resource[] = [];
    let first: UpstreamConflict | undefined;
    for (const { upstream, resources } of listed) {
      for (const resource of resources) {
        const taken = routes.get(resource.uri);
        if (taken === upstream || taken instanceof UpstreamConflict) continue;
        if (taken) {
          const conflict = new UpstreamConflict('resource', resource.uri, [taken.config.server, upstream.config.server], URI_HINT);
          routes.set(resource.uri, conflict);
          first ??= conflict;
          continue;
        }
        routes.set(resource.uri, upstream);
        exposed.push(resource);
      }
    }
    this.routes = routes;
    if (first) throw first;
    return exposed;
  }

  /** Every server's resource templates, unchanged; a URI that matches several servers' is refused when read. */
  async templates(): Promise<ResourceTemplate[]> {
    const listed = await Promise.all(this.upstreams.map(async (upstream) => ({
      upstream,
      templates: await listPages(upstream, 'resource templates', async (cursor) => {
        const { resourceTemplates, nextCursor } = await upstream.client.listResourceTemplates(cursor === undefined ? undefined : { cursor });
        return { items: resourceTemplates, nextCursor };
      }).catch((error: unknown) => {
        // Servers with fixed resources only often leave templates/list out: none, then.
        if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
        throw error;
      }),
    })));
    this.prefixes = listed.flatMap(({ upstream, templates }) => templates.map((t) => ({ upstream, prefix: t.uriTemplate.split('{')[0] ?? '' })));
    return listed.flatMap((l) => l.templates);
  }

  /**
   * The server to read a URI from: the only one; the one that listed exactly this URI; else the one whose
   * templates' prefix it starts with. A URI not seen yet lists again once. Throws UpstreamConflict
   * or UnroutableUri.
   */
  async route(uri: string): Promise<Upstream> {
    // One server behind the gate: nothing to choose between, and servers may serve URIs they do
    // not list (a file server lists a directory's top, not every file in it).
    if (this.upstreams.length === 1) return this.upstreams[0]!;
    if (!this.routes.has(uri) || this.prefixes === undefined) {
      await this.list().catch((error: unknown) => {
        if (!(error instanceof UpstreamConflict)) throw error;
      });
      await this.templates();
    }
    const listed = this.routes.get(uri);
    if (listed instanceof UpstreamConflict) throw listed;
    if (listed) return listed;
    const candidates = [...new Set((this.prefixes ?? []).filter((t) => uri.startsWith(t.prefix)).map((t) => t.upstream))];
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) {
      throw new UnroutableUri(`no upstream MCP server lists the resource ${JSON.stringify(uri)} or has a resource template it matches (servers ${this.upstreams.map((u) => u.config.server).join(', ') || 'none'})`);
    }
    throw new UnroutableUri(`the resource ${JSON.stringify(uri)} matches resource templates of the upstream MCP servers ${candidates.map((u) => u.config.server).join(', ')}; the gate does not pick one`);
  }

  /** A server said its resources changed: the next use lists again. */
  forget(): void {
    this.routes = new Map();
    this.prefixes = undefined;
  }
}
