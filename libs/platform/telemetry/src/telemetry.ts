import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { startMetrics, type Metrics, type MetricsOptions } from './metrics/metrics-sdk.ts';

export interface Telemetry {
  /** Whether traces are exported (an OTLP endpoint is configured). */
  enabled: boolean;
  /** Always on: GET /metrics serves them, OTLP gets them too when configured. */
  metrics: Metrics;
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Starts OpenTelemetry for this process: metrics always (see metrics/metrics-sdk.ts), and tracing
 * when an OTLP endpoint is configured (the standard OTEL_EXPORTER_OTLP_ENDPOINT /
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT variables; the exporter reads them itself, as it reads
 * OTEL_SERVICE_NAME and OTEL_BSP_*). Without one, the tracing API stays a no-op. Throws, naming
 * the variable, when a metrics setting is malformed.
 */
export function startTelemetry(options: MetricsOptions, env: Env = process.env): Telemetry {
  const metrics = startMetrics(options, env);
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    return { enabled: false, metrics, shutdown: () => metrics.shutdown() };
  }
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? options.serviceName,
    traceExporter: new OTLPTraceExporter(),
    // Metrics are startMetrics's (always on, with /metrics): none here, so the SDK does not
    // register a second meter provider from the environment.
    metricReaders: [],
    // Spans are made by hand where an action moves (edge, router, evaluator, projector); no
    // auto-instrumentation, which would need ESM loader hooks and trace every poll.
    instrumentations: [],
  });
  sdk.start();
  return {
    enabled: true,
    metrics,
    shutdown: async () => {
      await Promise.allSettled([sdk.shutdown(), metrics.shutdown()]);
    },
  };
}
