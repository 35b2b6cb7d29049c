import { instruments, onInstruments } from './instruments.ts';

/**
 * Metrics of actions: decision latency where the router writes decisions, the gateway's answer
 * latency, and the pending actions routers hold. The process's shape (all five services in one
 * process: embedded; otherwise distributed) is set once at start by startMetrics.
 */
export type Shape = 'embedded' | 'distributed' | 'unknown';
let processShape: Shape = 'unknown';

export function setShape(shape: Shape): void {
  processShape = shape;
}

/** What the router's metrics read of a command: its type, action and issue time. */
export interface CommandFacts {
  id: string;
  type: string;
  actionId: string;
  issuedAt: string;
}

/** What they read of an event it wrote. */
export interface EventFacts {
  type: string;
  streamId: string;
  causationId: string;
  occurredAt: string;
  data: unknown;
}

const OUTCOMES: Readonly<Record<string, string>> = {
  ActionApproved: 'approved',
  ActionDenied: 'denied',
  ActionExpired: 'expired',
  ActionCancelled: 'cancelled',
};

/**
 * Proposal times the router remembers until the decision, at most this many (the oldest are
 * forgotten first): an action forgotten, or proposed before this instance owned its partition
 * (a restart, a hand-over), is decided unmeasured rather than measured from a guess.
 */
export const PROPOSALS_REMEMBERED = 100_000;

const pendingSources = new Set<() => number>();
/** Processes without a router show no gauge; one whose router stopped shows 0, not its last count. */
let routerSeen = false;
onInstruments((i) => i.pendingActions.addCallback((result) => {
  if (!routerSeen) return;
  let pending = 0;
  for (const source of pendingSources) pending += source();
  result.observe(pending, { shape: processShape });
}));

/**
 * The approval router's metrics. `decided` is given each committed batch: the commands it
 * consumed and the events it wrote. A proposal's issue time is that of the command that caused
 * its ActionProposed (the gateway's or pipeline's, so the latency includes the trip to the
 * router); each decision records its distance from it, by outcome.
 */
export class RouterMetrics {
  private readonly proposedAt = new Map<string, number>();
  private readonly unwatch: () => void;

  constructor(pending: () => number, private readonly limit = PROPOSALS_REMEMBERED) {
    pendingSources.add(pending);
    routerSeen = true;
    this.unwatch = () => pendingSources.delete(pending);
  }

  decided(commands: readonly CommandFacts[], events: readonly EventFacts[]): void {
    let issued: Map<string, string> | undefined;
    for (const event of events) {
      if (event.type === 'ActionProposed') {
        issued ??= new Map(commands.map((c) => [c.id, c.issuedAt]));
        const at = Date.parse(issued.get(event.causationId) ?? event.occurredAt);
        if (Number.isFinite(at)) this.remember(event.streamId, at);
        continue;
      }
      const outcome = OUTCOMES[event.type];
      const proposed = outcome ? this.proposedAt.get(event.streamId) : undefined;
      if (proposed === undefined) continue;
      this.proposedAt.delete(event.streamId);
      const decidedAt = Date.parse(event.occurredAt);
      if (!Number.isFinite(decidedAt)) continue;
      // Clocks of two machines: a decision never comes before its proposal.
      instruments().decisionDuration.record(Math.max(0, decidedAt - proposed) / 1000, {
        outcome, automatic: String(automatic(event)), shape: processShape,
      });
    }
  }

  close(): void {
    this.unwatch();
    this.proposedAt.clear();
  }

  private remember(actionId: string, at: number): void {
    this.proposedAt.delete(actionId);
    this.proposedAt.set(actionId, at);
    if (this.proposedAt.size > this.limit) this.proposedAt.delete(this.proposedAt.keys().next().value as string);
  }
}

/** As the audit view says it: policy decided on its own, or the deadline did; a cancel never is. */
function automatic(event: EventFacts): boolean {
  const flag = (event.data as { automatic?: unknown } | undefined)?.automatic;
  return typeof flag === 'boolean' ? flag : event.type === 'ActionExpired';
}

/** What the gateway's answer to a proposal says, as far as its metrics care. */
interface AnswerFacts {
  status?: unknown;
  decision?: { automatic?: unknown };
}

/**
 * Times the answer to a proposal (POST /v1/actions): `answer` runs the proposal; its result and
 * the response's status say the outcome (201: the status, decided or pending; 202: undecided).
 * Idempotent replays (200) and errors are not answers to a new proposal and are not recorded.
 */
export async function timeProposalAnswer<T>(response: { statusCode: number }, answer: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await answer();
  const status = response.statusCode;
  if (status === 201 || status === 202) {
    const facts = result as AnswerFacts | undefined;
    const outcome = status === 202 ? 'undecided' : typeof facts?.status === 'string' && ANSWER_OUTCOMES.has(facts.status) ? facts.status : 'other';
    instruments().answerDuration.record((performance.now() - started) / 1000, {
      outcome, automatic: String(facts?.decision?.automatic === true), shape: processShape,
    });
  }
  return result;
}

const ANSWER_OUTCOMES = new Set(['approved', 'denied', 'expired', 'cancelled', 'pending', 'proposed']);
