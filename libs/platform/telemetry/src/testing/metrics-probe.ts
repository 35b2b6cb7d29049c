import { metrics, type Attributes } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

/** A reader that collects only when asked (tests read the current values at the point they care). */
class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface Point {
  attributes: Attributes;
  /** Counters and gauges: the value. Histograms: the number of recordings. */
  value: number;
  /** Histograms only: the sum of the recordings. */
  sum?: number;
}

export interface MetricsProbe {
  /** The data points of the metric named `name` (OTel name, e.g. countersign.decision.duration) now. */
  points(name: string): Promise<Point[]>;
  /** The same, each as one flat row: its attributes and `value` (and `sum` for histograms), sorted. */
  rows(name: string): Promise<Array<Record<string, unknown>>>;
  /** Unregisters the provider: the instruments are no-ops again. */
  stop(): Promise<void>;
}

/**
 * Registers a real SDK meter provider as the global one, with a reader the test collects from, so
 * tests see what the production helpers recorded (the SDK's aggregation, not a stand-in).
 */
export function startMetricsProbe(): MetricsProbe {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  if (!metrics.setGlobalMeterProvider(provider)) throw new Error('metrics probe: a global meter provider is already registered');
  return {
    async points(name) {
      const { resourceMetrics } = await reader.collect();
      const found: MetricData | undefined = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
      if (!found) return [];
      return found.dataPoints.map((p) => {
        if (found.dataPointType === DataPointType.HISTOGRAM) {
          const h = p.value as { count: number; sum?: number };
          return { attributes: p.attributes, value: h.count, sum: h.sum };
        }
        return { attributes: p.attributes, value: p.value as number };
      });
    },
    async rows(name) {
      const rows = (await this.points(name)).map((p) => ({ ...(p.attributes as Record<string, unknown>), value: p.value, ...(p.sum !== undefined ? { sum: p.sum } : {}) }));
      return rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    },
    async stop() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
