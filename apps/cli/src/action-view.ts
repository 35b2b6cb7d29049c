// The parts of an action (GET /v1/actions/:id, docs/api.md "The action resource") the client
// commands show, and text from the server made safe for a terminal. The SDK's `Action` is one;
// only `id` and `status` are in every answer (a 202 may hold no more).

export interface ActionView {
  id: string;
  status: string;
  action?: string;
  resource?: string;
  params?: Record<string, unknown>;
  paramsHash?: string;
  justification?: string;
  requester?: string;
  onBehalfOf?: string;
  createdAt?: string;
  policy?: { outcome?: string; rule?: string; reason?: string; explanation?: string; policyVersion?: string };
  approval?: {
    groups?: string[];
    quorum?: number;
    distinctGroups?: boolean;
    eligible?: string[];
    deadline?: string;
    approvals?: number;
  };
  votes?: Array<{ voter: string; decision: string; comment?: string; via?: string; at?: string; breakGlass?: boolean }>;
  decision?: { outcome?: string; at?: string; by?: string[]; automatic?: boolean; reason?: string; rule?: string; policyVersion?: string };
  execution?: { status: string; executor?: string; startedAt?: string; finishedAt?: string; error?: string; grantId?: string };
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text that came from the server (reasons, comments, resources, names): control, line-breaking
 * and direction-changing characters shown as escapes, so a reason cannot repaint the terminal or
 * forge a line of a CI log. Long text is cut, saying so.
 */
export function safe(text: unknown, max = 500): string {
  const s = String(text ?? '');
  const cut = s.length > max ? `${s.slice(0, max)}…(${s.length - max} more characters)` : s;
  return cut
    .replace(/\\/g, '\\\\')
    .replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
