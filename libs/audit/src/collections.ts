import type { ActionEvent } from '@countersign/contracts';

/** Names of the read-model collections, shared by the projector (writer) and gateway (reader). */
export const COLLECTIONS = {
  actions: 'actions',
  audit: 'audit_entries',
  events: 'action_events',
} as const;

/** A raw event as stored for `GET /v1/actions/:id/events`; `_id` is `<streamId>:<seq>`. */
export type StoredEvent = ActionEvent & { _id: string; eventId: string; [key: string]: unknown };
