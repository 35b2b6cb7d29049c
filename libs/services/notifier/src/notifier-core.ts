import { DECISION_TYPES, type ActionEvent, type CommandDataByType, type NotificationPurpose } from '@countersign/contracts';
import { escapeForLog, recordDelivery } from '@countersign/telemetry';
import { addDelivery, emptyAction, foldEvent, wasDelivered, type NotifiedAction } from './action-fold.ts';
import { buildMessage } from './approval-message.ts';
import type { RetryPolicy } from './backoff.ts';
import { DeliveryError, type ApprovalMessage, type NotificationChannel } from './channel.port.ts';
import { decisionDeliveries, expandApproverDMs, parseChannel, planDeliveries, requesterDeliveries, type PlannedDelivery } from './delivery-plan.ts';
import { createDeliveryQueue, type DeliveryOutcome } from './delivery-queue.ts';

/** Channel names come from policy files, ids and reasons from requests: escaped in every log line. */
const safe = (text: string) => escapeForLog(text);

/** A delivery with the message it carries, built when it was planned. */
export interface QueuedDelivery extends PlannedDelivery {
  message: ApprovalMessage;
  correlationId: string;
}

type OutcomeCommand =
  | { type: 'RecordNotificationDelivered'; data: CommandDataByType['RecordNotificationDelivered'] }
  | { type: 'RecordNotificationFailed'; data: CommandDataByType['RecordNotificationFailed'] };

export interface NotifierCoreOptions {
  channels: readonly NotificationChannel[];
  callbacks: { send(url: string, message: ApprovalMessage): Promise<void> };
  retry: RetryPolicy;
  now(): Date;
  random?(): number;
  publicUrl?: string;
  /** Sends an outcome to the router (a command on the commands topic, keyed by actionId). */
  record(actionId: string, correlationId: string, command: OutcomeCommand): Promise<void>;
  /** The action as the read model has it, for actions whose start the notifier did not see. */
  loadAction(actionId: string): Promise<NotifiedAction | undefined>;
  log: { info(message: string): void; warn(message: string): void };
  /** Actions remembered at most; decided ones are forgotten first. */
  maxActions?: number;
  /** Linked identities of a principal (the human an agent acts for is told the outcome too). */
  identitiesOf?(principal: string): string[];
}

const NEEDS_HISTORY = new Set<string>(['ApprovalRequested', 'ApprovalEscalated', ...DECISION_TYPES]);
const isDecision = (type: string) => (DECISION_TYPES as readonly string[]).includes(type);

/**
 * What the action records when a callback fails. The callback URL is the requester's choice, so a
 * precise reason (connection refused, answered 401) would let them map what Countersign can reach;
 * the precise reason goes to the operator log only. Webhooks are the operator's own endpoints:
 * their failures are recorded as they are (without URL or address, see postOutbound).
 */
export const CALLBACK_FAILED = 'the callback could not be delivered';

/** Turns one planned delivery into an outcome command. */
export function outcomeCommand(outcome: DeliveryOutcome<QueuedDelivery>): OutcomeCommand {
  const { channel, purpose, op } = outcome.delivery;
  if (outcome.ok) {
    const ref = op === 'update' ? outcome.delivery.ref : outcome.ref;
    return { type: 'RecordNotificationDelivered', data: { channel, purpose, attempt: outcome.attempt, ...(ref ? { ref } : {}), ...(op === 'update' ? { updated: true } : {}) } };
  }
  return {
    type: 'RecordNotificationFailed',
    data: {
      channel, purpose, attempt: outcome.attempt,
      reason: op === 'callback' ? CALLBACK_FAILED : outcome.reason.slice(0, 4000),
      ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
    },
  };
}

/**
 * The notifier without Nest: folds events into per-action state, plans deliveries, and hands them
 * to the in-process queue. `handle` returns as soon as the deliveries are queued.
 */
export function createNotifierCore(options: NotifierCoreOptions) {
  const adapters = new Map(options.channels.map((c) => [c.kind, c]));
  const states = new Map<string, NotifiedAction>();
  const maxActions = options.maxActions ?? 10_000;

  function remember(state: NotifiedAction): void {
    states.delete(state.actionId);
    states.set(state.actionId, state);
    if (states.size <= maxActions) return;
    const victim = [...states.values()].find((s) => s.decision) ?? states.values().next().value!;
    states.delete(victim.actionId);
  }

  async function execute(d: QueuedDelivery): Promise<Record<string, string> | undefined> {
    if (d.op === 'callback') {
      await options.callbacks.send(d.url!, d.message);
      return undefined;
    }
    const parsed = parseChannel(d.channel);
    if (!parsed) throw new DeliveryError(`"${d.channel}" is not a channel (expected kind:address, e.g. webhook:siem)`, false);
    const adapter = adapters.get(parsed.kind);
    if (!adapter) throw new DeliveryError(`no ${parsed.kind} channel is configured, so "${d.channel}" cannot be reached`, false);
    if (d.op === 'update') {
      if (!adapter.update) throw new DeliveryError(`${parsed.kind} messages cannot be updated`, false);
      await adapter.update(d.ref!, d.message);
      return undefined;
    }
    return adapter.send(parsed.address, d.message);
  }

  const queue = createDeliveryQueue<QueuedDelivery>({
    execute,
    retry: options.retry,
    now: options.now,
    ...(options.random ? { random: options.random } : {}),
    async report(outcome) {
      const d = outcome.delivery;
      recordDelivery(d.channel, d.purpose, { ok: outcome.ok, final: outcome.ok || !outcome.nextAttemptAt });
      if (outcome.ok) learnDelivered(d, outcome.ref);
      else options.log.warn(`${d.purpose} of action ${safe(d.actionId)} to ${safe(d.channel)}, attempt ${outcome.attempt}, failed: ${safe(outcome.detail ?? outcome.reason)}` +
        (outcome.nextAttemptAt ? ` (next attempt at ${outcome.nextAttemptAt})` : ' (giving up)'));
      await options.record(d.actionId, d.correlationId, outcomeCommand(outcome));
    },
    onReportError(error, outcome) {
      options.log.warn(`could not record the outcome of a delivery of action ${safe(outcome.delivery.actionId)} to ${safe(outcome.delivery.channel)}: ${safe((error as Error).message)}`);
    },
  });

  /** Known at once, without waiting for our own NotificationDelivered to come back through the log. */
  function learnDelivered(d: QueuedDelivery, ref: Record<string, string> | undefined): void {
    const state = states.get(d.actionId);
    if (!state) return;
    const record = d.op === 'update' ? { channel: d.channel, purpose: d.purpose, ref: d.ref!, updated: true } : { channel: d.channel, purpose: d.purpose, ...(ref ? { ref } : {}) };
    const next = addDelivery(state, record);
    remember(next);
    // A request that landed after the decision was seen: change it to show the outcome now.
    if (next.decision && ref && d.op === 'send' && (d.purpose === 'request' || d.purpose === 'escalation')) {
      enqueue(next, decisionDeliveries(next).filter((p) => !wasDelivered(next, p.key)), d.correlationId);
    }
  }

  function enqueue(state: NotifiedAction, planned: readonly PlannedDelivery[], correlationId: string): void {
    for (const p of planned) {
      const built = buildMessage(state, p.purpose, options.publicUrl);
      if (!built.ok) {
        options.log.warn(`not sending the ${p.purpose} of action ${safe(state.actionId)} to ${safe(p.channel)}: ${built.reason}`);
        continue;
      }
      queue.enqueue({ ...p, message: built.message, correlationId });
    }
  }

  async function stateFor(event: ActionEvent): Promise<NotifiedAction> {
    const known = states.get(event.streamId);
    if (known?.proposal || !NEEDS_HISTORY.has(event.type)) return known ?? emptyAction(event.streamId);
    const loaded = await options.loadAction(event.streamId).catch((error: Error) => {
      options.log.warn(`could not read action ${safe(event.streamId)} from the read model: ${safe(error.message)}`);
      return undefined;
    });
    if (!loaded) {
      options.log.info(`action ${safe(event.streamId)}: its proposal was not seen and the read model does not have it; its ${event.type} notifications are skipped`);
      return known ?? emptyAction(event.streamId);
    }
    return (known?.deliveries ?? []).reduce(addDelivery, loaded);
  }

  return {
    /** Folds one event in and queues what it asks for. Never throws on an event's content. */
    async handle(event: ActionEvent): Promise<void> {
      const state = foldEvent(await stateFor(event), event);
      remember(state);
      if (isDecision(event.type)) queue.cancel(event.streamId, ['request', 'escalation'] satisfies NotificationPurpose[]);
      const planned = expandApproverDMs(planDeliveries(state, event), state, (p) => options.identitiesOf?.(p) ?? []);
      enqueue(state, planned.filter((p) => !wasDelivered(state, p.key)), event.correlationId);
      if (isDecision(event.type)) {
        const onBehalfOf = state.proposal?.requester.onBehalfOf;
        const identities = onBehalfOf ? (options.identitiesOf?.(onBehalfOf) ?? []) : [];
        enqueue(state, requesterDeliveries(state, identities, new Set(adapters.keys())).filter((p) => !wasDelivered(state, p.key)), event.correlationId);
      }
    },
    state: (actionId: string) => states.get(actionId),
    idle: () => queue.idle(),
    close: () => queue.close(),
  };
}

export type NotifierCore = ReturnType<typeof createNotifierCore>;
