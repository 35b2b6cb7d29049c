import { metrics, type Counter, type Histogram, type Meter, type MeterProvider, type ObservableGauge } from '@opentelemetry/api';

/**
 * Every metric Countersign records, in one table: name (OTel style; Prometheus shows dots as
 * underscores, counters with `_total`, histograms as `_bucket`/`_sum`/`_count`), unit, what it
 * means and its labels. Labels are bounded by construction: outcomes, group, topic and partition
 * names, channel kinds, route templates, status classes — never an action or principal id.
 * docs/operations.md lists the same table; the dashboard test checks deploy/grafana against it.
 */
export const METRICS = {
  decisionDuration: {
    kind: 'histogram', name: 'countersign.decision.duration', unit: 's', labels: ['outcome', 'automatic', 'shape'],
    description: 'Proposal issued (the command\'s issuedAt) to the decision event (its occurredAt), as the approval router writes it',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400],
  },
  answerDuration: {
    kind: 'histogram', name: 'countersign.gateway.answer.duration', unit: 's', labels: ['outcome', 'automatic', 'shape'],
    description: 'POST /v1/actions received to the answer sent (201 with the decision or the pending request, 202 undecided)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  pendingActions: {
    kind: 'gauge', name: 'countersign.actions.pending', unit: '{action}', labels: ['shape'],
    description: 'Actions waiting for approvers that this process\'s approval router holds (each has its expiry timer armed)',
  },
  consumerLag: {
    kind: 'gauge', name: 'countersign.consumer.lag', unit: '{record}', labels: ['group', 'topic', 'partition'],
    description: 'Records of the topic the consumer group has not handled yet, per partition (looked at every 5 s)',
  },
  commitDuration: {
    kind: 'histogram', name: 'countersign.eventlog.commit.duration', unit: 's', labels: ['log', 'group', 'outcome'],
    description: 'Making a handled batch durable: its output and position (a Kafka transaction for the router; the file log\'s batch append); group as the log knows it (namespaced)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  recordsHandled: {
    kind: 'counter', name: 'countersign.consumer.records', unit: '{record}', labels: ['group'],
    description: 'Records a consumer group has handled and committed (dead-lettered ones included)',
  },
  deadLetters: {
    kind: 'counter', name: 'countersign.consumer.dead_letters', unit: '{record}', labels: ['group', 'reason'],
    description: 'Records dead-lettered, by reason class: not_json, invalid, unprocessable, attempts_exhausted',
  },
  handlerFailures: {
    kind: 'counter', name: 'countersign.consumer.failures', unit: '{failure}', labels: ['group', 'error_type'],
    description: 'Failed handler attempts, by error type: transient (infrastructure, waited out), unprocessable, error',
  },
  retries: {
    kind: 'counter', name: 'countersign.consumer.retries', unit: '{retry}', labels: ['group', 'scope'],
    description: 'Bounded retries after a failed attempt: of a whole batch, or of one record',
  },
  deliveries: {
    kind: 'counter', name: 'countersign.notifier.deliveries', unit: '{delivery}', labels: ['channel', 'purpose'],
    description: 'Notifications delivered, by channel kind (slack, teams, webhook, callback) and purpose',
  },
  deliveryFailures: {
    kind: 'counter', name: 'countersign.notifier.delivery_failures', unit: '{failure}', labels: ['channel', 'purpose', 'final'],
    description: 'Failed delivery attempts, by channel kind and purpose; final="true" when no retry follows',
  },
  checkpointsSigned: {
    kind: 'counter', name: 'countersign.checkpoints.signed', unit: '{checkpoint}', labels: ['reason'],
    description: 'Signed checkpoints appended to countersign.checkpoints by the leading checkpointer, by what asked for them: interval, request, shutdown (ADR 0007)',
  },
  checkpointSignDuration: {
    kind: 'histogram', name: 'countersign.checkpoints.sign.duration', unit: 's', labels: ['reason'],
    description: 'Building, signing and appending one round of checkpoints (the Merkle root over every stream head is most of it)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  integrityMismatches: {
    kind: 'counter', name: 'countersign.audit.integrity_mismatches', unit: '{mismatch}', labels: ['kind'],
    description: 'What the audit projector found not to match as it projected (ADR 0007): a checkpoint that does not verify or chain, a committed head the log does not have, an event that does not link; kind as in IntegrityMismatchDetected',
  },
  httpDuration: {
    kind: 'histogram', name: 'countersign.http.server.duration', unit: 's', labels: ['method', 'route', 'status_class'],
    description: 'HTTP requests answered, by method, route template (unmatched for none) and status class (2xx..5xx); _count is the request count',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  },
} as const;

type Defs = typeof METRICS;
export type Instruments = {
  [K in keyof Defs]: Defs[K]['kind'] extends 'histogram' ? Histogram : Defs[K]['kind'] extends 'counter' ? Counter : ObservableGauge;
};

/** The instruments on `meter`, with their units, descriptions and (histograms) bucket advice. */
export function createInstruments(meter: Meter): Instruments {
  const made: Record<string, Histogram | Counter | ObservableGauge> = {};
  for (const [key, def] of Object.entries(METRICS) as Array<[keyof Defs, Defs[keyof Defs]]>) {
    const options = { unit: def.unit, description: def.description };
    if (def.kind === 'histogram') made[key] = meter.createHistogram(def.name, { ...options, advice: { explicitBucketBoundaries: [...def.buckets] } });
    else if (def.kind === 'counter') made[key] = meter.createCounter(def.name, options);
    else made[key] = meter.createObservableGauge(def.name, options);
  }
  return made as Instruments;
}

type Watcher = (instruments: Instruments) => void;
let bound: { provider: MeterProvider; instruments: Instruments } | undefined;
const watchers = new Set<Watcher>();

/**
 * The instruments of the global meter provider. Until the SDK is started the API's provider is a
 * no-op, and so are these; once started (startMetrics), they are made again on the real provider,
 * and the observable gauges' callbacks are attached to them (see `onInstruments`).
 */
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (bound?.provider !== provider) {
    bound = { provider, instruments: createInstruments(provider.getMeter('countersign')) };
    for (const watch of watchers) watch(bound.instruments);
  }
  return bound.instruments;
}

/** Calls `watch` with the instruments now and whenever they are made again (observable callbacks). */
export function onInstruments(watch: Watcher): void {
  watchers.add(watch);
  watch(instruments());
}
