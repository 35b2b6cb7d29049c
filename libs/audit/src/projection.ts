import type { ActionEvent } from '@countersign/contracts';
import { projectAction, type ActionView } from './action-view.ts';
import { auditEntryFor, type AuditEntry } from './audit-entry.ts';

export interface ProjectionBatch {
  views: Map<string, ActionView>;
  entries: AuditEntry[];
  /** The raw events, kept so the chain of an action can be served and re-verified. */
  events: ActionEvent[];
  /** Events that arrived for a stream with no ActionProposed (out of order or foreign). */
  orphans: ActionEvent[];
}

/**
 * Applies a batch of events to the views it touches. `load` gives the current view of a stream
 * (from a cache or the store); views are evolved in memory and returned for one bulk write.
 */
export async function projectBatch(
  events: readonly ActionEvent[],
  load: (actionId: string) => Promise<ActionView | undefined>,
): Promise<ProjectionBatch> {
  const views = new Map<string, ActionView>();
  // Each stream's view as of the last event seen, loaded once per batch: redelivered and orphan
  // events change nothing, and must not send every later event of their stream back to the store.
  const current = new Map<string, ActionView | undefined>();
  const batch: ProjectionBatch = { views, entries: [], events: [], orphans: [] };
  for (const event of events) {
    const before = current.has(event.streamId) ? current.get(event.streamId) : await load(event.streamId);
    const after = projectAction(before, event);
    current.set(event.streamId, after);
    if (!after) {
      batch.orphans.push(event);
      continue;
    }
    if (after === before) continue; // already projected: a redelivery
    views.set(event.streamId, after);
    batch.entries.push(auditEntryFor(after, event));
    batch.events.push(event);
  }
  return batch;
}
