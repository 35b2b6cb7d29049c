import { createServer, type Server } from 'node:http';

export interface ReceivedSpan {
  traceId: string;
  name: string;
  service: string;
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  service: string;
  /** Attribute sets of its data points, flattened to strings. */
  points: Array<Record<string, string>>;
}

type OtlpAttribute = { key: string; value?: Record<string, unknown> };
const text = (attributes: OtlpAttribute[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((a) => [a.key, String(Object.values(a.value ?? {})[0] ?? '')]));

/**
 * A local OTLP/HTTP receiver (JSON, what the -http exporters send): what a collector would get,
 * kept for the assertions. Traces at /v1/traces, metrics at /v1/metrics.
 */
export async function otlpReceiver(port: number): Promise<{ spans: ReceivedSpan[]; metrics: ReceivedMetric[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = text(rs.resource?.attributes)['service.name'] ?? '';
          for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ traceId: s.traceId, name: s.name, service });
        }
      } else if (req.url === '/v1/metrics') {
        for (const rm of JSON.parse(body).resourceMetrics ?? []) {
          const service = text(rm.resource?.attributes)['service.name'] ?? '';
          for (const sm of rm.scopeMetrics ?? []) {
            for (const m of sm.metrics ?? []) {
              const data = m.histogram ?? m.sum ?? m.gauge ?? {};
              metrics.push({ name: m.name, unit: m.unit ?? '', service, points: (data.dataPoints ?? []).map((p: { attributes?: OtlpAttribute[] }) => text(p.attributes)) });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { spans, metrics, server };
}
