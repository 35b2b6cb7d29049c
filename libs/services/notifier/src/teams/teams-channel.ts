import { Client } from '@microsoft/teams.api';
import { DeliveryError, isRetryableStatus, type ApprovalMessage, type NotificationChannel } from '../channel.port.ts';
import { approvalCard, outcomeCard } from './approval-card.ts';
import { botTokenSource } from './bot-token.ts';
import type { TeamsConfig } from './teams-config.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

/** Where a Teams message lives: enough to update it later from any notifier instance. */
export interface TeamsMessageRef extends Record<string, string> {
  serviceUrl: string;
  conversationId: string;
  activityId: string;
}

interface HttpFailure {
  response?: { status?: number; data?: unknown };
  code?: string;
  message?: string;
}

/** 429 and 5xx may pass; 4xx (bad conversation, bot not in it, bad credentials) will not. */
function deliveryError(operation: string, error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const failure = error as HttpFailure;
  const status = failure.response?.status;
  if (status === undefined) {
    return new DeliveryError(`Teams ${operation} failed: ${failure.code ?? failure.message ?? 'network error'}`, true);
  }
  const data = failure.response?.data as { error?: { code?: string; message?: string } } | undefined;
  const detail = data?.error?.code ? ` (${data.error.code}${data.error.message ? `: ${data.error.message}` : ''})` : '';
  return new DeliveryError(`Teams ${operation} answered HTTP ${status}${detail}`, isRetryableStatus(status));
}

/**
 * Posts approval cards to Teams conversations through the Bot Connector API with Microsoft's Teams
 * SDK client (`@microsoft/teams.api`), and replaces them with the outcome after the decision.
 * Addresses are conversation ids: `teams:19:approvals@thread.tacv2` → `19:approvals@thread.tacv2`.
 */
export class TeamsChannel implements NotificationChannel {
  readonly kind = 'teams';
  private readonly clients = new Map<string, Client>();
  private readonly token: () => Promise<string>;

  constructor(private readonly config: TeamsConfig) {
    this.token = botTokenSource(config);
  }

  async send(address: string, message: ApprovalMessage): Promise<TeamsMessageRef> {
    const conversationId = address.trim();
    if (!conversationId) throw new DeliveryError('Teams address is empty: expected teams:<conversation id>', false);
    const serviceUrl = this.config.serviceUrl;
    const card = message.decision ? outcomeCard(message) : approvalCard(message);
    let created: { id?: string };
    try {
      created = await this.client(serviceUrl).conversations.activities(conversationId).create(messageWith(card));
    } catch (error) {
      throw deliveryError('send', error);
    }
    if (!created?.id) throw new DeliveryError('Teams send answered without an activity id', true);
    return { serviceUrl, conversationId, activityId: created.id };
  }

  async update(ref: Record<string, string>, message: ApprovalMessage): Promise<void> {
    const { conversationId, activityId } = ref;
    if (!conversationId || !activityId) throw new DeliveryError('Teams message reference lacks conversationId or activityId', false);
    const serviceUrl = ref.serviceUrl || this.config.serviceUrl;
    try {
      await this.client(serviceUrl).conversations.activities(conversationId).update(activityId, messageWith(outcomeCard(message)));
    } catch (error) {
      throw deliveryError('update', error);
    }
  }

  /** One SDK client per Connector endpoint (a reply's serviceUrl may be regional). */
  private client(serviceUrl: string): Client {
    let client = this.clients.get(serviceUrl);
    if (!client) {
      client = new Client(serviceUrl, { token: () => this.token(), timeout: this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS });
      this.clients.set(serviceUrl, client);
    }
    return client;
  }
}

function messageWith(card: ReturnType<typeof approvalCard>) {
  return {
    type: 'message' as const,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' as const, content: card }],
  };
}
