// The gate's prompt and resource handlers, and the upstreams' list-change notifications passed on
// to the agent. Lists are one list over every server (each server's pages followed here: a
// cursor could not say which server's page comes next); a name or URI two servers offer fails the
// list, naming both, rather than hide one of them.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode, GetPromptRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema,
  McpError, PromptListChangedNotificationSchema, ReadResourceRequestSchema, ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { UpstreamConflict, type Upstream } from './catalog.ts';
import { message } from './messages.ts';
import type { UpstreamPrompts } from './prompts.ts';
import type { ResourceReads } from './resource-reads.ts';
import type { UpstreamResources } from './resources.ts';
import type { UpstreamTools } from './upstreams.ts';

/** Registers prompts/* and resources/* only where the gate advertises them (the SDK insists). */
export function servePromptsAndResources(server: Server, prompts: UpstreamPrompts, resources: UpstreamResources, reads: ResourceReads): void {
  if (prompts.offered) {
    server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: await listed(() => prompts.list()) }));
    // Not proposed: a prompt is text for the model and runs nothing (prompts.ts).
    server.setRequestHandler(GetPromptRequestSchema, (request) => prompts.get(request.params.name, request.params.arguments));
  }
  if (resources.offered) {
    server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await listed(() => resources.list()) }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: await listed(() => resources.templates()) }));
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => reads.read(request.params.uri, extra));
  }
}

async function listed<T>(list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof UpstreamConflict) throw new McpError(ErrorCode.InternalError, error.message);
    throw new McpError(ErrorCode.InternalError, `the upstream MCP servers could not be listed: ${message(error)}`);
  }
}

/**
 * Tells the agents (every gate's server over these upstreams) when any server's tools, prompts or
 * resources changed, after forgetting the shared copy of that list (tools are listed again at
 * once: their annotations go to policy).
 */
export function forwardListChanges(
  servers: ReadonlySet<Server>,
  upstreams: readonly Upstream[],
  lists: { tools: UpstreamTools; prompts: UpstreamPrompts; resources: UpstreamResources },
  log: (line: string) => void,
): void {
  const send = (what: string, notify: (server: Server) => Promise<void>) => {
    for (const server of servers) {
      // Before the agent connected (or after it left) there is no one to tell.
      if (!server.transport) continue;
      notify(server).catch((error: unknown) => log(`countersign mcp-gate: could not forward a ${what} list change: ${message(error)}`));
    }
  };
  for (const { client } of upstreams) {
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      await lists.tools.refresh();
      send('tool', (server) => server.sendToolListChanged());
    });
    if (lists.prompts.offered) {
      client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
        lists.prompts.forget();
        send('prompt', (server) => server.sendPromptListChanged());
      });
    }
    if (lists.resources.offered) {
      client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
        lists.resources.forget();
        send('resource', (server) => server.sendResourceListChanged());
      });
    }
  }
}
