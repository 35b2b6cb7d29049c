import { MAX_REASON_LENGTH } from '../integrations/chat-input.ts';
import { DENY_MODAL_ID, REASON_BLOCK_ID, REASON_INPUT_ID } from './slack-payload.ts';

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

/**
 * The modal Deny opens: a required reason. The action id, the paramsHash of the message clicked
 * and its response_url travel in private_metadata (Slack hands it back, signed, on submission):
 * the vote stays bound to the parameters shown, and refusals can still be told.
 */
export function denyModal(target: { actionId: string; paramsHash?: string }, summary: string, responseUrl?: string) {
  return {
    type: 'modal' as const,
    callback_id: DENY_MODAL_ID,
    private_metadata: JSON.stringify({ actionId: target.actionId, ...(target.paramsHash ? { paramsHash: target.paramsHash } : {}), ...(responseUrl ? { responseUrl } : {}) }),
    title: plain('Deny action'),
    submit: plain('Deny'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section' as const, text: { type: 'mrkdwn' as const, text: summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').slice(0, 2900) } },
      {
        type: 'input' as const,
        block_id: REASON_BLOCK_ID,
        label: plain('Reason'),
        element: { type: 'plain_text_input' as const, action_id: REASON_INPUT_ID, multiline: true, max_length: MAX_REASON_LENGTH },
      },
    ],
  };
}

/** Slack's answer to a view_submission that keeps the modal open, with the error under the reason. */
export const reasonError = (message: string) => ({ response_action: 'errors' as const, errors: { [REASON_BLOCK_ID]: message } });
