import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { setShape, type Shape } from './action-metrics.ts';
import { instruments } from './instruments.ts';

export interface MetricsOptions {
  serviceName: string;
  /** service.instance.id of the resource (COUNTERSIGN_INSTANCE_ID). */
  instanceId: string;
  shape: Shape;
}

export interface Metrics {
  /** Serves the current values in the Prometheus text format: mount as GET /metrics. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** Whether they are also pushed over OTLP/HTTP. */
  otlp: boolean;
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Starts the OpenTelemetry metrics SDK for this process and makes it the global meter provider,
 * so the instruments (metrics/instruments.ts) stop being no-ops. Always with a Prometheus reader
 * (no server of its own: its handler goes on the process's HTTP server); with a periodic OTLP/HTTP
 * reader too when OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (the full URL) or OTEL_EXPORTER_OTLP_ENDPOINT
 * (the base: `/v1/metrics` is appended) is set; the exporter reads the headers and the temporality
 * preference itself. The export interval and timeout are OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT,
 * in ms (60 s / 30 s by default). A malformed setting throws, naming it.
 */
export function startMetrics(options: MetricsOptions, env: Env = process.env): Metrics {
  const otlpUrl = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT || (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/metrics` : undefined);
  const interval = milliseconds(env, 'OTEL_METRIC_EXPORT_INTERVAL', 60_000);
  const timeout = Math.min(milliseconds(env, 'OTEL_METRIC_EXPORT_TIMEOUT', 30_000), interval);
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: IMetricReader[] = [prometheus];
  if (otlpUrl) {
    // The exporter's own deadline (retries included) within the export timeout, so a shutdown with
    // the collector away waits at most that long (the library's 10 s stays the ceiling).
    const exporter = new OTLPMetricExporter({ url: otlpUrl, timeoutMillis: Math.min(timeout, 10_000) });
    readers.push(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: interval, exportTimeoutMillis: timeout }));
  }
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME ?? options.serviceName,
      'service.instance.id': options.instanceId,
      'countersign.shape': options.shape,
    }));
  const provider = new MeterProvider({ resource, readers });
  if (!metrics.setGlobalMeterProvider(provider)) {
    void provider.shutdown();
    throw new Error('metrics: a global meter provider is already registered in this process');
  }
  setShape(options.shape);
  instruments(); // binds the instruments (and the gauges' callbacks) to the new provider now
  return {
    handler: (req, res) => prometheus.getMetricsRequestHandler(req, res),
    otlp: otlpUrl !== undefined,
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        metrics.disable();
        setShape('unknown');
      }
    },
  };
}

function milliseconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new Error(`${name} must be a whole number of milliseconds (1 to 999999999), got ${JSON.stringify(raw.slice(0, 40))}`);
  return Number(raw);
}
