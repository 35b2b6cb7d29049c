// `countersign mcp`: Countersign as an MCP server for agents that choose to ask before they act.
// Four tools over the SDK client; the agent's identity is its API key, as for every client.
import { guardKey, WaitTimedOut, type Countersign } from '@countersign/sdk';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { failure, ok, summarize } from './answers.ts';

/** The API holds a long-poll for 60 s at most; a tool call should not outlast clients' own bounds. */
export const MAX_WAIT_SECONDS = 60;

const ACTION_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

const waitSeconds = z.number().int().min(0).max(MAX_WAIT_SECONDS)
  .describe(`how long to wait for a decision, 0–${MAX_WAIT_SECONDS} seconds`);

export const requestApprovalInput = {
  action: z.string().min(1).max(128).regex(ACTION_NAME).describe('the action type, e.g. data.export (lowercase letters, digits, _ . -)'),
  resource: z.string().min(1).max(1024).describe('what the action is on, e.g. prod/customers'),
  params: z.record(z.string(), z.unknown()).optional().describe('the exact parameters the approval covers'),
  justification: z.string().min(1).max(4000).optional().describe('why, for the approvers and the audit trail'),
  key: z.string().min(1).max(200).optional()
    .describe('tells a new request apart from a repeat: the same action, resource, params, justification and key find the same action'),
  waitSeconds: waitSeconds.optional(),
};

const actionId = z.string().min(1).max(128).describe('the actionId from request_approval');

export interface McpServerOptions {
  client: Countersign;
  /** Shown in errors ("unreachable at …"). */
  url: string;
  version?: string;
}

export function createCountersignMcpServer({ client, url, version = '0.1.0' }: McpServerOptions): McpServer {
  const server = new McpServer({ name: 'countersign', version });

  /** The action as it is after waiting up to `seconds` for a decision (undecided is not an error). */
  async function decided(id: string, seconds: number | undefined) {
    if (!seconds) return client.get(id);
    try {
      return await client.waitForDecision(id, { timeout: seconds * 1000 });
    } catch (e) {
      if (e instanceof WaitTimedOut) return e.action;
      throw e;
    }
  }

  server.registerTool('request_approval', {
    description: 'Ask Countersign for approval before a privileged action. Answers the status (approved, denied, pending, …), the actionId, who must approve, and the decision with its reason. Asking again with the same arguments finds the same action. Go ahead only when the status is approved.',
    inputSchema: requestApprovalInput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async ({ action, resource, params, justification, key, waitSeconds: wait }) => {
    try {
      const idempotencyKey = `mcp-${await guardKey({ action, resource, ...(params ? { params } : {}), key: JSON.stringify([justification ?? null, key ?? null]) })}`;
      const proposed = await client.propose({ action, resource, ...(params ? { params } : {}), ...(justification ? { justification } : {}) }, { idempotencyKey });
      const seen = proposed.status === 'pending' || proposed.status === 'proposed' ? await decided(proposed.id, wait) : proposed;
      return ok(summarize(seen));
    } catch (e) {
      return failure(e, url);
    }
  });

  server.registerTool('get_action', {
    description: 'The current status of an action you asked about: status, who must approve, and the decision with its reason.',
    inputSchema: { actionId },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ actionId: id }) => {
    try {
      return ok(summarize(await client.get(id)));
    } catch (e) {
      return failure(e, url);
    }
  });

  server.registerTool('wait_for_decision', {
    description: `Wait up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for an action to be decided; answers its status either way. Call again to keep waiting.`,
    inputSchema: { actionId, waitSeconds },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ actionId: id, waitSeconds: wait }) => {
    try {
      return ok(summarize(await decided(id, wait)));
    } catch (e) {
      return failure(e, url);
    }
  });

  server.registerTool('list_my_pending', {
    description: 'Your actions still waiting for a decision (up to 50), in the same shape as request_approval answers.',
    inputSchema: {},
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async () => {
    try {
      const page = await client.list({ requester: 'me', status: 'pending', limit: 50 });
      return ok(page.items.map(summarize));
    } catch (e) {
      return failure(e, url);
    }
  });

  return server;
}
