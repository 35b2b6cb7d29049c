import type { ActionView } from '@countersign/audit';

/**
 * Answers to an `adaptiveCard/action` invoke (Universal Actions): a card replaces the one clicked,
 * a message is shown to the clicking user only and leaves the card as it was.
 */
export type InvokeResponse =
  | { statusCode: 200; type: 'application/vnd.microsoft.card.adaptive'; value: Record<string, unknown> }
  | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string }
  | { statusCode: 400; type: 'application/vnd.microsoft.error'; value: { code: string; message: string } };

export const messageResponse = (text: string): InvokeResponse => ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text });

export const badRequestResponse = (message: string): InvokeResponse => ({
  statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message },
});

const WORD = { approved: 'Approved', denied: 'Denied', expired: 'Expired', cancelled: 'Cancelled' } as const;
const COLOR = { approved: 'Good', denied: 'Attention', expired: 'Warning', cancelled: 'Default' } as const;

/**
 * The clicked card refreshed to show the decision: who, when, why, and no buttons. The notifier
 * later replaces every copy of the card with its fuller outcome card; this one answers at once.
 */
export function outcomeCardResponse(view: ActionView): InvokeResponse {
  const d = view.decision!;
  const by = d.automatic ? 'policy' : d.by.join(', ');
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.card.adaptive',
    value: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      fallbackText: `${WORD[d.outcome]}: ${view.action} on ${view.resource}`,
      body: [
        { type: 'TextBlock', text: `${WORD[d.outcome]}: ${view.action}`, size: 'Large', weight: 'Bolder', color: COLOR[d.outcome], wrap: true },
        {
          type: 'FactSet',
          facts: [
            { title: 'By', value: by },
            { title: 'At', value: d.at },
            { title: 'Why', value: d.reason },
            { title: 'Resource', value: view.resource },
            { title: 'Requested by', value: view.onBehalfOf ? `${view.requester} (for ${view.onBehalfOf})` : view.requester },
          ],
        },
        ...(d.breakGlass ? [{ type: 'TextBlock', text: 'Approved under break-glass: a review has been requested.', color: 'Attention', wrap: true }] : []),
      ],
    },
  };
}
