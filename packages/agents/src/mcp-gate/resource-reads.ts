// resources/read, gated like a tool call: reading a resource hands data to the model, which is
// what policy is there to decide. Each read is proposed as `mcp.<server>.resources.read` on
// `mcp/<server>/resources` with params `{ uri }`, and the upstream is read only once approved,
// exactly the approved URI (docs/agents.md "The MCP gate"). A read has no tool result to carry
// a refusal or "pending", so those are MCP errors with the same reasons.
import { randomUUID } from 'node:crypto';
import { paramsHash, type Action } from '@countersign/sdk';
import {
  ErrorCode, McpError, type CallToolResult, type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { isStop, type ApprovalFlow, type Execution, type Extra, type Stop } from './approval.ts';
import { UpstreamConflict, type Upstream } from './catalog.ts';
import { awaited, message, ruleOf, stopped, WAIT_TOOL, what } from './messages.ts';
import { checkActionName, nameSegment } from './naming.ts';
import { UnroutableUri, type UpstreamResources } from './resources.ts';

/** `mcp.<server>.resources.read`. */
export function readActionName(server: string): string {
  const name = `mcp.${nameSegment(server)}.resources.read`;
  checkActionName(name);
  return name;
}

/** `mcp/<server>/resources`: one resource for all of a server's reads; policy tells URIs apart by params.uri. */
export function readResourceName(server: string): string {
  return `mcp/${nameSegment(server)}/resources`;
}

/** How many pending reads the gate remembers for retries. */
const MAX_WAITING_READS = 1_000;

export class ResourceReads {
  /**
   * Reads still waiting for people past the pending bound, by server and URI: a retried
   * resources/read of that URI picks its action up again rather than ask for a new approval.
   */
  private readonly waiting = new Map<string, string>();

  constructor(private readonly resources: UpstreamResources, private readonly flow: ApprovalFlow) {}

  async read(uri: string, extra: Extra): Promise<ReadResourceResult> {
    let upstream: Upstream;
    try {
      upstream = await this.resources.route(uri);
    } catch (error) {
      if (error instanceof UpstreamConflict || error instanceof UnroutableUri) throw new McpError(ErrorCode.InvalidParams, `The resource was not read: ${error.message}`);
      throw new McpError(ErrorCode.InternalError, `The resource was not read: the upstream resources could not be listed: ${message(error)}`);
    }
    const { server } = upstream.config;
    const slot = `${server}\n${uri}`;
    const earlier = this.waiting.get(slot);
    let action: Action | Stop;
    if (earlier) {
      action = await this.flow.find(earlier, extra.signal);
    } else {
      let key: string;
      try {
        // One key per read, as for calls: the SDK's retries find the same action, a new read asks anew.
        key = `mcp-gate-${await paramsHash({ server, read: uri, call: randomUUID() })}`;
        action = await this.flow.propose({
          action: readActionName(server), resource: readResourceName(server), params: { uri },
          context: { mcp: { server, resource: true, readOnly: true } },
        }, key, extra.signal);
      } catch (error) {
        throw new McpError(ErrorCode.InvalidParams, `The resource was not read: ${message(error)}`);
      }
    }
    const outcome = isStop(action) ? action : await this.flow.settle(action, this.execution(upstream), extra);
    this.waiting.delete(slot);
    if (outcome.kind === 'pending') {
      this.waiting.set(slot, outcome.action.id);
      // Bounded: past it the oldest is forgotten, and a retry of that URI asks anew (never reads unasked).
      if (this.waiting.size > MAX_WAITING_READS) this.waiting.delete(this.waiting.keys().next().value!);
    }
    if (outcome.kind === 'ran') return outcome.result;
    throw readError(outcome, uri);
  }

  /**
   * `countersign_wait` on a read: once approved, the contents come back as the tool's result,
   * each an embedded resource. Answers a stop as for any call.
   */
  async resume(action: Action, upstream: Upstream, extra: Extra): Promise<CallToolResult> {
    const outcome = await this.flow.settle(action, this.execution(upstream), extra);
    if (outcome.kind !== 'pending') {
      for (const [slot, id] of this.waiting) if (id === action.id) this.waiting.delete(slot);
    }
    if (outcome.kind !== 'ran') return stopped(outcome);
    return { content: outcome.result.contents.map((resource) => ({ type: 'resource' as const, resource })) };
  }

  private execution(upstream: Upstream): Execution<ReadResourceResult> {
    return {
      run: async (params) => {
        if (typeof params.uri !== 'string') throw new Error('the approved params have no uri');
        // Exactly the approved URI, within the server's bound (not the SDK's 60 s default).
        return upstream.client.readResource({ uri: params.uri }, { timeout: upstream.config.callTimeoutMs });
      },
      // A read that returns is a read that succeeded; a failed one throws (reported failed).
      failure: () => undefined,
    };
  }
}

/** The MCP error for a read that did not happen: the same reasons a refused call gives. */
export function readError(stop: Stop, uri: string): McpError {
  const subject = `reading ${uri}`;
  switch (stop.kind) {
    case 'pending':
      return new McpError(ErrorCode.RequestTimeout,
        `The resource was not read yet: ${subject} is pending approval; ${what(stop.action)} needs ${awaited(stop.action)}. ` +
        `Retry resources/read of this URI later (this gate picks the same action up again; it does not ask anew), ` +
        `or call the tool ${WAIT_TOOL} with {"actionId": "${stop.action.id}"}, which returns the contents once approved.`);
    case 'refused': {
      const rule = ruleOf(stop.action) ? ` (rule ${ruleOf(stop.action)})` : '';
      const reason = (stop.action.decision?.reason ?? stop.action.policy?.reason)?.replace(/\.$/, '');
      const verb = stop.action.status === 'denied' ? 'Countersign denied' : stop.action.status === 'expired' ? 'The approval request expired for' : 'Cancelled:';
      return new McpError(ErrorCode.InvalidRequest, `${verb} ${subject}${rule}${reason ? `: ${reason}` : ''}. The resource was not read; ${what(stop.action)}.`);
    }
    case 'rejected':
      return new McpError(ErrorCode.InvalidRequest, `Countersign refused to consider ${subject}, and the resource was not read: ${message(stop.error)}`);
    case 'unavailable':
      return new McpError(ErrorCode.InternalError, `Countersign could not be reached, so ${subject} was refused and the resource was not read (fail closed): ${message(stop.error)}`);
    case 'already-run':
      return new McpError(ErrorCode.InvalidRequest, `${what(stop.action)} was approved and has already run; an approval runs once. Read again to ask for a new approval.`);
  }
}
