import { COLLECTIONS, type ProjectorCheckpoint } from '@countersign/audit';
import type { ReadModelStore } from '@countersign/readmodel';
import type { FollowerPosition } from './stream-tap.ts';

/** The first re-read of the checkpoints comes soon; then they are read less and less often. */
const FIRST_PAUSE_MS = 10;
const MAX_PAUSE_MS = 1000;

/**
 * Whether the read models show everything the follower had looked at when a stream began: the
 * audit projector's checkpoint of each partition (the next offset it will project, written after
 * the documents of its batch) past the follower's offset there. A stream registers with the tap
 * first, so what the follower delivers later reaches it live; what it delivered before is then
 * in the read models, and a read made after this answers true misses none of it.
 */
export async function covers(store: ReadModelStore, position: FollowerPosition): Promise<boolean> {
  if (position.size === 0) return true;
  const checkpoints = store.collection<ProjectorCheckpoint>(COLLECTIONS.checkpoints);
  const stored = await Promise.all([...position].map(([partition, { topic }]) => checkpoints.get(`${topic}:${partition}`)));
  return [...position.values()].every((at, i) => (stored[i]?.offset ?? 0) > at.offset);
}

/**
 * Waits, re-reading the checkpoints with a growing pause, until the read models cover `position`,
 * `until` says stop (the stream closed), or `deadlineMs` passes (a projector that is down or far
 * behind: the stream then carries on with what it has, and the events it misses come with the
 * next ones of their action). Once per stream, and only when the first read was not covered.
 */
export async function settled(store: ReadModelStore, position: FollowerPosition, deadlineMs: number, stopped: () => boolean): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    if (stopped()) return false;
    if (await covers(store, position).catch(() => false)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
  }
}
