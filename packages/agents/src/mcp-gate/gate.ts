// The MCP gate: an MCP server to the agent in front of one or more upstream MCP servers. Every
// tools/call is proposed to Countersign and forwarded to its server only once approved, with
// exactly the approved arguments and its grant redeemed; everything else comes back as a tool
// result (docs/agents.md). Which server a call goes to is upstreams.ts's business.
import { randomUUID } from 'node:crypto';
import {
  ActionCancelled, ActionDenied, ActionExpired, isDecided, paramsHash, RequestRejected, WaitTimedOut,
  type Action, type Countersign,
} from '@countersign/sdk';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError,
  type CallToolResult, type ServerNotification, type ServerRequest, type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { GateConfig } from './config-schema.ts';
import { invalidCall, message, pending, refusal, rejected, unavailable, WAIT_TOOL, WAIT_TOOL_DEFINITION } from './messages.ts';
import { defaultResource, renderResource, toolActionName } from './naming.ts';
import { progressReporter } from './progress.ts';
import { ToolNameConflict, UpstreamTools, type Upstream } from './upstreams.ts';

export interface McpGateOptions {
  config: GateConfig;
  /** A client with the agent's API key: the agent is the requester of every action. */
  countersign: Countersign;
  /** A connected client of each upstream MCP server, by its server name (config.upstreams[].server). */
  upstreams: Readonly<Record<string, Client>>;
  /** Diagnostics (never stdout: over stdio that is the MCP channel). */
  log?: (line: string) => void;
  serverInfo?: { name: string; version: string };
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Args = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class McpGate {
  readonly server: Server;
  /** The servers' tools as last listed: routes, and annotations that go to Countersign as context. */
  private readonly tools: UpstreamTools;
  /**
   * Execution reports still on their way, by action id (sent after the result, so they add no
   * latency). A resume of an action whose report is on its way waits for it, so it finds the
   * action run rather than run it again.
   */
  private readonly reports = new Map<string, Promise<void>>();
  private readonly log: (line: string) => void;

  constructor(private readonly options: McpGateOptions) {
    this.log = options.log ?? (() => {});
    this.tools = new UpstreamTools(options.config.upstreams.map((config): Upstream => {
      const client = Object.hasOwn(options.upstreams, config.server) ? options.upstreams[config.server] : undefined;
      if (!client) throw new Error(`no client for the upstream MCP server ${config.server}`);
      return { config, client };
    }));
    const instructions = this.tools.instructions();
    this.server = new Server(options.serverInfo ?? { name: `countersign-mcp-gate/${this.tools.servers.join('+')}`, version: '0.1.0' }, {
      capabilities: { tools: {} },
      ...(instructions ? { instructions } : {}),
    });
    this.server.setRequestHandler(ListToolsRequestSchema, async () => {
      // One list, every page of every server followed here: a cursor could not say which server's
      // page comes next. A name two servers expose fails the list rather than hide one of them.
      try {
        return { tools: [...(await this.tools.list()), WAIT_TOOL_DEFINITION] };
      } catch (error) {
        if (error instanceof ToolNameConflict) throw new McpError(ErrorCode.InternalError, error.message);
        throw error;
      }
    });
    this.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const args = (request.params.arguments ?? {}) as Args;
      return request.params.name === WAIT_TOOL ? this.resume(args, extra) : this.call(request.params.name, args, extra);
    });
  }

  /**
   * Lists every server's tools once, before the agent connects: throws ToolNameConflict when two
   * servers expose one name, so the gate refuses to start rather than serve a list it cannot route.
   */
  async listTools(): Promise<Tool[]> {
    return this.tools.list();
  }

  /** Waits for the execution reports still in flight, then closes the server side. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.reports.values()]);
    await this.server.close();
  }

  private async call(name: string, args: Args, extra: Extra): Promise<CallToolResult> {
    let route;
    try {
      route = await this.tools.resolve(name);
    } catch (error) {
      return invalidCall(`the upstream tools could not be listed: ${message(error)}`);
    }
    if (route instanceof ToolNameConflict) return invalidCall(route.message);
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
    let proposed: Action;
    try {
      proposed = await this.options.countersign.propose(
        { action, resource, params: args, context: { mcp: { server: config.server, tool, readOnly } } },
        // An allowed call's answer carries its grant: the call runs on this one request.
        { idempotencyKey: key, includeGrant: true, signal: extra.signal },
      );
    } catch (error) {
      return error instanceof RequestRejected ? rejected(error) : unavailable(error);
    }
    return this.settle(proposed, upstream, tool, extra);
  }

  /** `countersign_wait { actionId }`: picks a pending call up again by its action id. */
  private async resume(args: Args, extra: Extra): Promise<CallToolResult> {
    const id = args.actionId;
    if (typeof id !== 'string' || !UUID.test(id)) return invalidCall(`${WAIT_TOOL} needs {"actionId": "<the action id from the pending result>"}`);
    let action: Action;
    try {
      await this.reports.get(id.toLowerCase());
      action = await this.options.countersign.get(id.toLowerCase(), { signal: extra.signal });
    } catch (error) {
      return error instanceof RequestRejected ? rejected(error) : unavailable(error);
    }
    const mcp = (action.context as { mcp?: { server?: unknown; tool?: unknown } } | undefined)?.mcp;
    const upstream = this.tools.byServer(mcp?.server);
    if (!upstream || typeof mcp?.tool !== 'string') {
      return invalidCall(`action ${id} is not a call through this gate (servers ${this.tools.servers.join(', ')})`);
    }
    return this.settle(action, upstream, mcp.tool, extra);
  }

  private async settle(proposed: Action, upstream: Upstream, tool: string, extra: Extra): Promise<CallToolResult> {
    let action = proposed;
    if (!isDecided(action.status)) {
      const progress = progressReporter(extra, this.options.config.progressIntervalMs);
      progress.update(action);
      try {
        action = await this.options.countersign.waitForDecision(action.id, {
          timeout: this.options.config.pendingBoundMs, seen: action, onUpdate: progress.update, signal: extra.signal,
        });
      } catch (error) {
        if (error instanceof WaitTimedOut) return pending(error.action);
        if (error instanceof ActionDenied || error instanceof ActionExpired || error instanceof ActionCancelled) return refusal(error.action);
        return unavailable(error);
      } finally {
        progress.stop();
      }
    }
    return action.status === 'approved' ? this.execute(action, upstream, tool) : refusal(action);
  }

  /**
   * Forwards the approved arguments, once. A call approved at once (its grant came with the
   * proposal's answer) runs on that answer, and the report after it records the start and the
   * outcome together: the gate proposed it a moment ago under a key of its own, so nothing else
   * holds its grant. A call that waited (or is resumed) is redeemed first, so however often
   * `countersign_wait` is called, or by however many gates, it runs once (ADR 0006).
   */
  private async execute(action: Action, upstream: Upstream, tool: string): Promise<CallToolResult> {
    const { countersign } = this.options;
    const params = action.params ?? {};
    let grant = action.grant?.grant;
    try {
      if (!grant || this.options.config.recordFirst) {
        grant ??= (await countersign.getGrant(action.id)).grant;
        await countersign.redeem(action.id, { grant, params });
      }
    } catch (error) {
      if (error instanceof RequestRejected && error.code === 'already-redeemed') {
        return invalidCall(`action ${action.id} was approved and has already run; an approval runs once. Call the tool again to ask for a new approval.`);
      }
      return error instanceof RequestRejected ? rejected(error) : unavailable(error);
    }
    const startedAt = new Date();
    try {
      // The server's own bound, not the MCP SDK's 60 s default, which would cut long-running tools.
      const result = (await upstream.client.callTool({ name: tool, arguments: params }, undefined, { timeout: upstream.config.callTimeoutMs })) as CallToolResult;
      this.report(action.id, { grant, params, startedAt, outcome: result.isError ? 'failed' : 'succeeded', ...(result.isError ? { error: errorText(result) } : {}) });
      return result;
    } catch (error) {
      this.report(action.id, { grant, params, startedAt, outcome: 'failed', error: message(error) });
      throw error;
    }
  }

  private report(id: string, report: Parameters<Countersign['reportExecution']>[1] & { startedAt: Date }): void {
    const sent = this.options.countersign
      .reportExecution(id, { ...report, finishedAt: new Date() })
      .then(
        () => undefined,
        (error: unknown) => this.log(`countersign mcp-gate: could not report the execution of action ${id}: ${message(error)}`),
      )
      .finally(() => this.reports.delete(id));
    this.reports.set(id, sent);
  }
}

function errorText(result: CallToolResult): string {
  const first = result.content?.find((c) => c.type === 'text');
  return (first && 'text' in first ? first.text : 'the tool returned an error').slice(0, 2_000);
}

