// What every gate over the same upstream clients shares: the servers' lists as last seen (routes
// and the annotations that go to policy), the execution reports still in flight, and one set of
// list-change handlers per upstream client. A gate served over HTTP has one McpGate per agent
// session over one GateUpstreams: an upstream client holds one handler per notification, so the
// handlers live here and tell every gate's server, and a report in flight is seen by every gate
// (a countersign_wait in another session must not redeem and run an action whose report of its
// run is still on its way).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { GateConfig } from './config-schema.ts';
import { forwardListChanges } from './passthrough.ts';
import { UpstreamPrompts } from './prompts.ts';
import { UpstreamResources } from './resources.ts';
import { UpstreamTools, type Upstream } from './upstreams.ts';

export class GateUpstreams {
  readonly upstreams: readonly Upstream[];
  readonly tools: UpstreamTools;
  readonly prompts: UpstreamPrompts;
  readonly resources: UpstreamResources;
  /** Execution reports still on their way, by action id (approval.ts). */
  readonly reports = new Map<string, Promise<void>>();
  /** The gates' servers to tell of list changes. */
  private readonly servers = new Set<Server>();

  constructor(config: GateConfig, clients: Readonly<Record<string, Client>>, log: (line: string) => void = () => {}) {
    this.upstreams = config.upstreams.map((upstream): Upstream => {
      const client = Object.hasOwn(clients, upstream.server) ? clients[upstream.server] : undefined;
      if (!client) throw new Error(`no client for the upstream MCP server ${upstream.server}`);
      return { config: upstream, client };
    });
    this.tools = new UpstreamTools(this.upstreams);
    this.prompts = new UpstreamPrompts(this.upstreams);
    this.resources = new UpstreamResources(this.upstreams);
    forwardListChanges(this.servers, this.upstreams, { tools: this.tools, prompts: this.prompts, resources: this.resources }, log);
  }

  /** Tells this server of list changes until the returned function is called. */
  attach(server: Server): () => void {
    this.servers.add(server);
    return () => this.servers.delete(server);
  }
}
