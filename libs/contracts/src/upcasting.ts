import type { ActionEvent } from './events.ts';
import { CURRENT_SCHEMA_VERSION } from './events.ts';

/**
 * Old shapes are upcast on read, never rewritten (the hash covers what was written).
 * Each entry lifts one type from version n to n+1. None are needed yet: schemaVersion 1 is current.
 */
type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;
const UPCASTERS: Record<string, Record<number, Upcaster>> = {};

export function upcast(event: ActionEvent): ActionEvent {
  let version = event.schemaVersion;
  let data = event.data as unknown as Record<string, unknown>;
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = UPCASTERS[event.type]?.[version];
    if (!step) throw new Error(`no upcaster for ${event.type} v${version}`);
    data = step(data);
    version += 1;
  }
  return version === event.schemaVersion ? event : ({ ...event, data } as unknown as ActionEvent);
}
