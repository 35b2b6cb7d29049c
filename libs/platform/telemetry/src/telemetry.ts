import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, hostDetector, osDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
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
  // The tracer provider alone, not @opentelemetry/sdk-node: that one loads every exporter it could
  // choose from the environment (gRPC, protobuf, logs) at import, about 0.5 s of CPU at each
  // process start, for a choice made here. Spans are made by hand where an action moves (edge,
  // router, evaluator, projector): no auto-instrumentation, which would need ESM loader hooks and
  // trace every poll.
  // The detectors sdk-node ran by default: OTEL_RESOURCE_ATTRIBUTES, and the host, OS and process.
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector, hostDetector, osDetector, processDetector] }))
    .merge(resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? options.serviceName }));
  // The exporter and the batch processor read OTEL_EXPORTER_OTLP_* and OTEL_BSP_* themselves.
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  // The global provider, the AsyncLocalStorage context manager, and W3C trace context and baggage.
  provider.register();
  return {
    enabled: true,
    metrics,
    shutdown: async () => {
      await Promise.allSettled([provider.shutdown(), metrics.shutdown()]);
    },
  };
}
