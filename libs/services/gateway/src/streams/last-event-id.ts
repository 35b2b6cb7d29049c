import { badRequest } from '../problem.ts';

/**
 * `Last-Event-ID`, the header a client sends when it reconnects to an event stream: the `id:` of
 * the last event it received. Absent or empty, the stream starts afresh. Anything else must be an
 * id this API wrote, in its exact spelling; hostile or foreign values answer 400 naming the header.
 */
export const LAST_EVENT_ID = 'Last-Event-ID';

/** Longest id this API writes (a feed position: a time, an action id of at most 128, a seq). */
const MAX_ID_LENGTH = 200;

const refuse = (detail: string) => badRequest([{ header: LAST_EVENT_ID, detail }]);

/** Absent, or the one value of the header (Node joins repeated headers with ", ", which then fails). */
function headerValue(raw: string | string[] | undefined): string | undefined {
  if (Array.isArray(raw)) throw refuse('must be sent once');
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > MAX_ID_LENGTH) throw refuse(`must be at most ${MAX_ID_LENGTH} characters`);
  return raw;
}

/** An action stream's id is the event's seq: 0 (before the first event) up to 2^53 - 1, plain digits. */
const SEQ = /^(?:0|[1-9][0-9]{0,15})$/;

/** The seq after which an action stream resumes, or 0 when it starts from the first event. */
export function parseSeqId(raw: string | string[] | undefined): number {
  const value = headerValue(raw);
  if (value === undefined) return 0;
  const n = SEQ.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw refuse('must be the id of an event of this stream: its seq, in digits');
  return n;
}

/**
 * A position in an approver feed: the audit trail's order, `(at, entry id)`, written
 * `<at>~<action id>:<seq, 8 digits>`, e.g. `2026-11-02T09:00:01.120Z~01a2…d1:00000003`. `at` is
 * the event's time as recorded (ISO-8601 UTC), so positions sort as text.
 */
export interface FeedPosition {
  at: string;
  entryId: string;
}

const FEED_ID = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)~([A-Za-z0-9._:-]{1,128}):(\d{8})$/;

export const formatFeedId = (position: FeedPosition) => `${position.at}~${position.entryId}`;

/** The position an approver feed resumes from, or undefined when it starts afresh. */
export function parseFeedPosition(raw: string | string[] | undefined): FeedPosition | undefined {
  const value = headerValue(raw);
  if (value === undefined) return undefined;
  const m = FEED_ID.exec(value);
  if (!m || Number.isNaN(Date.parse(m[1]))) {
    throw refuse('must be the id of an event of this feed, e.g. 2026-11-02T09:00:01.120Z~<action id>:00000003');
  }
  return { at: m[1], entryId: `${m[2]}:${m[3]}` };
}
