// The MCP gate: an MCP server to the agent in front of one or more upstream MCP servers. Every
// tools/call and resources/read is proposed to Countersign and forwarded to its server only once
// approved, with exactly the approved arguments and its grant redeemed (approval.ts); prompts are
// passed through (prompts.ts says why). Everything a call is refused for comes back as a tool
// result (docs/agents.md). Which server a call, prompt or read goes to is upstreams.ts's,
// prompts.ts's and resources.ts's business.
import { randomUUID } from 'node:crypto';
import { paramsHash, type Action, type Countersign } from '@countersign/sdk';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type ServerCapabilities, type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { ApprovalFlow, isStop, type Execution, type Extra, type Params } from './approval.ts';
import { UpstreamConflict } from './catalog.ts';
import type { GateConfig } from './config-schema.ts';
import { invalidCall, message, stopped, WAIT_TOOL, WAIT_TOOL_DEFINITION } from './messages.ts';
import { defaultResource, renderResource, toolActionName } from './naming.ts';
import { servePromptsAndResources } from './passthrough.ts';
import { ResourceReads } from './resource-reads.ts';
import { GateUpstreams } from './shared.ts';
import type { UpstreamTools, Upstream } from './upstreams.ts';

export interface McpGateOptions {
  config: GateConfig;
  /** A client with the agent's API key: the agent is the requester of every action. */
  countersign: Countersign;
  /**
   * A connected client of each upstream MCP server, by its server name (config.upstreams[].server),
   * or those clients as GateUpstreams shared by several gates (one per agent session over HTTP).
   */
  upstreams: Readonly<Record<string, Client>> | GateUpstreams;
  /** Diagnostics (never stdout: over stdio that is the MCP channel). */
  log?: (line: string) => void;
  serverInfo?: { name: string; version: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class McpGate {
  readonly server: Server;
  /** The servers' tools as last listed: routes, and annotations that go to Countersign as context. */
  private readonly tools: UpstreamTools;
  private readonly flow: ApprovalFlow;
  private readonly reads: ResourceReads;
  private readonly detach: () => void;

  constructor(private readonly options: McpGateOptions) {
    const log = options.log ?? (() => {});
    const shared = options.upstreams instanceof GateUpstreams ? options.upstreams : new GateUpstreams(options.config, options.upstreams, log);
    const { tools, prompts, resources } = shared;
    this.tools = tools;
    this.flow = new ApprovalFlow(options.countersign, options.config, log, shared.reports);
    this.reads = new ResourceReads(resources, this.flow);
    // Prompts and resources only when some server has them; list changes are forwarded, resource
    // subscriptions are not (an update would be data the gate never proposed).
    const capabilities: ServerCapabilities = {
      tools: { listChanged: true },
      ...(prompts.offered ? { prompts: { listChanged: true } } : {}),
      ...(resources.offered ? { resources: { listChanged: true } } : {}),
    };
    const instructions = this.tools.instructions();
    this.server = new Server(options.serverInfo ?? { name: `countersign-mcp-gate/${this.tools.servers.join('+')}`, version: '0.1.0' }, {
      capabilities,
      ...(instructions ? { instructions } : {}),
    });
    this.server.setRequestHandler(ListToolsRequestSchema, async () => {
      // One list, every page of every server followed here: a cursor could not say which server's
      // page comes next. A name two servers expose fails the list rather than hide one of them.
      try {
        return { tools: [...(await this.tools.list()), WAIT_TOOL_DEFINITION] };
      } catch (error) {
        if (error instanceof UpstreamConflict) throw new McpError(ErrorCode.InternalError, error.message);
        throw error;
      }
    });
    this.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const args = (request.params.arguments ?? {}) as Params;
      return request.params.name === WAIT_TOOL ? this.resume(args, extra) : this.call(request.params.name, args, extra);
    });
    servePromptsAndResources(this.server, prompts, resources, this.reads);
    this.detach = shared.attach(this.server);
  }

  /**
   * Lists every server's tools once, before the agent connects: throws ToolNameConflict when two
   * servers expose one name, so the gate refuses to start rather than serve a list it cannot route.
   */
  async listTools(): Promise<Tool[]> {
    return this.tools.list();
  }

  /** Waits for the execution reports still in flight, then closes the server side (not the upstreams). */
  async close(): Promise<void> {
    this.detach();
    await this.flow.close();
    await this.server.close();
  }

  private async call(name: string, args: Params, extra: Extra): Promise<CallToolResult> {
    let route;
    try {
      route = await this.tools.resolve(name);
    } catch (error) {
      return invalidCall(`the upstream tools could not be listed: ${message(error)}`);
    }
    if (route instanceof UpstreamConflict) return invalidCall(route.message);
    if (!route) return invalidCall(`no tool is named ${JSON.stringify(name)} behind this gate`);
    const { upstream, tool: listed } = route;
    const { config } = upstream;
    const tool = listed.name;
    const mapping = (Object.hasOwn(config.tools, tool) ? config.tools[tool] : undefined) ?? {};
    let action: string, resource: string;
    try {
      action = mapping.action ?? toolActionName(config.server, tool);
      resource = mapping.resource !== undefined ? renderResource(mapping.resource, args) : defaultResource(config.server, tool);
    } catch (error) {
      return invalidCall(message(error));
    }
    const readOnly = config.readOnly.includes(tool) || listed.annotations?.readOnlyHint === true;
    // One key per call: the SDK's own retries of this proposal find the same action, while a
    // repeated tools/call (the model asking again, a client resending after a drop) is a new
    // action needing its own decision. Request ids restart with every MCP session, so they
    // could map a new call onto an old approval: a nonce cannot.
    let key: string;
    try {
      key = `mcp-gate-${await paramsHash({ server: config.server, tool, arguments: args, call: randomUUID() })}`;
    } catch (error) {
      return invalidCall(`the arguments are not JSON: ${message(error)}`);
    }
    const proposed = await this.flow.propose(
      { action, resource, params: args, context: { mcp: { server: config.server, tool, readOnly } } }, key, extra.signal,
    );
    return isStop(proposed) ? stopped(proposed) : this.settle(proposed, upstream, tool, extra);
  }

  /** `countersign_wait { actionId }`: picks a pending call or read up again by its action id. */
  private async resume(args: Params, extra: Extra): Promise<CallToolResult> {
    const id = args.actionId;
    if (typeof id !== 'string' || !UUID.test(id)) return invalidCall(`${WAIT_TOOL} needs {"actionId": "<the action id from the pending result>"}`);
    const action = await this.flow.find(id.toLowerCase(), extra.signal);
    if (isStop(action)) return stopped(action);
    const mcp = (action.context as { mcp?: { server?: unknown; tool?: unknown; resource?: unknown } } | undefined)?.mcp;
    const upstream = this.tools.byServer(mcp?.server);
    if (upstream && mcp?.resource === true) return this.reads.resume(action, upstream, extra);
    if (!upstream || typeof mcp?.tool !== 'string') {
      return invalidCall(`action ${id} is not a call through this gate (servers ${this.tools.servers.join(', ')})`);
    }
    return this.settle(action, upstream, mcp.tool, extra);
  }

  private async settle(action: Action, upstream: Upstream, tool: string, extra: Extra): Promise<CallToolResult> {
    const outcome = await this.flow.settle(action, toolExecution(upstream, tool), extra);
    return outcome.kind === 'ran' ? outcome.result : stopped(outcome);
  }
}

/** A tool call with the approved arguments; a result with isError is a failed run. */
function toolExecution(upstream: Upstream, tool: string): Execution<CallToolResult> {
  return {
    // The server's own bound, not the MCP SDK's 60 s default, which would cut long-running tools.
    run: async (params) => (await upstream.client.callTool({ name: tool, arguments: params }, undefined, { timeout: upstream.config.callTimeoutMs })) as CallToolResult,
    failure: (result) => (result.isError ? errorText(result) : undefined),
  };
}

function errorText(result: CallToolResult): string {
  const first = result.content?.find((c) => c.type === 'text');
  return (first && 'text' in first ? first.text : 'the tool returned an error').slice(0, 2_000);
}
