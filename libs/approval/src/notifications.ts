import type { ActionCommand, Actor } from '@countersign/contracts';
import type { ApprovalEventDraft } from './context.ts';
import type { ApprovalState } from './state.ts';

export const NOTIFIER: Actor = { id: 'notifier', kind: 'service' };

type NotificationCommand = Extract<ActionCommand, { type: 'RecordNotificationDelivered' | 'RecordNotificationFailed' }>;

/**
 * The notifier reports a delivery outcome: it is recorded in the action's stream as it came, at
 * any point after the proposal. After the decision too: the messages are updated to show the
 * outcome then, and a channel that is down must be visible whatever the action's status.
 * Before any proposal there is no stream to record it in.
 */
export function decideNotification(command: NotificationCommand, state: ApprovalState): ApprovalEventDraft[] {
  if (state.status === 'none') return [];
  return command.type === 'RecordNotificationDelivered'
    ? [{ type: 'NotificationDelivered', data: command.data, actor: NOTIFIER }]
    : [{ type: 'NotificationFailed', data: command.data, actor: NOTIFIER }];
}
