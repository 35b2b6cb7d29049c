// The MCP gate: an MCP server to the agent in front of one upstream MCP server. Every tools/call
// is proposed to Countersign and forwarded only once approved, with exactly the approved
// arguments and its grant redeemed; everything else comes back as a tool result (docs/agents.md).
import { randomUUID } from 'node:crypto';
import {
  ActionCancelled, ActionDenied, ActionExpired, isDecided, paramsHash, RequestRejected, WaitTimedOut,
  type Action, type Countersign,
} from '@countersign/sdk';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema, ListToolsRequestSchema,
  type CallToolResult, type ServerNotification, type ServerRequest, type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { GateConfig } from './config.ts';
import { invalidCall, message, pending, refusal, rejected, unavailable, WAIT_TOOL, WAIT_TOOL_DEFINITION } from './messages.ts';
import { defaultResource, renderResource, toolActionName } from './naming.ts';
import { progressReporter } from './progress.ts';

export interface McpGateOptions {
  config: GateConfig;
  /** A client with the agent's API key: the agent is the requester of every action. */
  countersign: Countersign;
  /** A connected client of the upstream MCP server. */
  upstream: Client;
  /** Diagnostics (never stdout: over stdio that is the MCP channel). */
  log?: (line: string) => void;
  serverInfo?: { name: string; version: string };
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Args = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class McpGate {
  readonly server: Server;
  /** Tools as the upstream last listed them: their annotations go to Countersign as context. */
  private readonly tools = new Map<string, Tool>();
  /** Execution reports still on their way (sent after the result, so they add no latency). */
  private readonly reports = new Set<Promise<void>>();
  private readonly log: (line: string) => void;

  constructor(private readonly options: McpGateOptions) {
    this.log = options.log ?? (() => {});
    const instructions = options.upstream.getInstructions();
    this.server = new Server(options.serverInfo ?? { name: `countersign-mcp-gate/${options.config.server}`, version: '0.1.0' }, {
      capabilities: { tools: {} },
      ...(instructions ? { instructions } : {}),
    });
    this.server.setRequestHandler(ListToolsRequestSchema, async (request) => {
      const page = await options.upstream.listTools(request.params);
      for (const tool of page.tools) this.tools.set(tool.name, tool);
      // The upstream's tools go out as they came; ours is added once, on the last page.
      const tools = page.tools.filter((t) => t.name !== WAIT_TOOL);
      return { ...page, tools: page.nextCursor ? tools : [...tools, WAIT_TOOL_DEFINITION] };
    });
    this.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const args = (request.params.arguments ?? {}) as Args;
      return request.params.name === WAIT_TOOL ? this.resume(args, extra) : this.call(request.params.name, args, extra);
    });
  }

  /** Waits for the execution reports still in flight, then closes the server side. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.reports]);
    await this.server.close();
  }

  private async call(tool: string, args: Args, extra: Extra): Promise<CallToolResult> {
    const { config, countersign } = this.options;
    const mapping = config.tools[tool] ?? {};
    let action: string, resource: string;
    try {
      action = mapping.action ?? toolActionName(config.server, tool);
      resource = mapping.resource !== undefined ? renderResource(mapping.resource, args) : defaultResource(config.server, tool);
    } catch (error) {
      return invalidCall(message(error));
    }
    const readOnly = config.readOnly.includes(tool) || this.tools.get(tool)?.annotations?.readOnlyHint === true;
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
      proposed = await countersign.propose(
        { action, resource, params: args, context: { mcp: { server: config.server, tool, readOnly } } },
        { idempotencyKey: key, signal: extra.signal },
      );
    } catch (error) {
      return error instanceof RequestRejected ? rejected(error) : unavailable(error);
    }
    return this.settle(proposed, tool, extra);
  }

  /** `countersign_wait { actionId }`: picks a pending call up again by its action id. */
  private async resume(args: Args, extra: Extra): Promise<CallToolResult> {
    const id = args.actionId;
    if (typeof id !== 'string' || !UUID.test(id)) return invalidCall(`${WAIT_TOOL} needs {"actionId": "<the action id from the pending result>"}`);
    let action: Action;
    try {
      action = await this.options.countersign.get(id.toLowerCase(), { signal: extra.signal });
    } catch (error) {
      return error instanceof RequestRejected ? rejected(error) : unavailable(error);
    }
    const mcp = (action.context as { mcp?: { server?: unknown; tool?: unknown } } | undefined)?.mcp;
    if (mcp?.server !== this.options.config.server || typeof mcp.tool !== 'string') {
      return invalidCall(`action ${id} is not a call through this gate (server ${this.options.config.server})`);
    }
    return this.settle(action, mcp.tool, extra);
  }

  private async settle(proposed: Action, tool: string, extra: Extra): Promise<CallToolResult> {
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
    return action.status === 'approved' ? this.execute(action, tool) : refusal(action);
  }

  /** Redeems the grant (once: a second run of the same approval is refused), then forwards the approved arguments. */
  private async execute(action: Action, tool: string): Promise<CallToolResult> {
    const { countersign, upstream } = this.options;
    const params = action.params ?? {};
    let grant: string;
    try {
      grant = (await countersign.getGrant(action.id)).grant;
      await countersign.redeem(action.id, { grant, params });
    } catch (error) {
      if (error instanceof RequestRejected && error.code === 'already-redeemed') {
        return invalidCall(`action ${action.id} was approved and has already run; an approval runs once. Call the tool again to ask for a new approval.`);
      }
      return error instanceof RequestRejected ? rejected(error) : unavailable(error);
    }
    const startedAt = new Date();
    try {
      const result = (await upstream.callTool({ name: tool, arguments: params })) as CallToolResult;
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
      .finally(() => this.reports.delete(sent));
    this.reports.add(sent);
  }
}

function errorText(result: CallToolResult): string {
  const first = result.content?.find((c) => c.type === 'text');
  return (first && 'text' in first ? first.text : 'the tool returned an error').slice(0, 2_000);
}

