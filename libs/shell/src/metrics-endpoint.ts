import type { INestApplication } from '@nestjs/common';
import { httpMetricsMiddleware, type Metrics } from '@countersign/telemetry';

/**
 * Every process's metrics on its own HTTP server (PORT, beside /healthz and /readyz): GET /metrics
 * in the Prometheus text format, unauthenticated like the probes (its labels carry no ids and no
 * secrets), and the HTTP request metrics of every route. Call before `app.init()`, so both come
 * before Nest's routes and its 404.
 */
export function mountMetrics(app: INestApplication, metrics: Metrics): void {
  app.use(httpMetricsMiddleware);
  app.getHttpAdapter().get('/metrics', (req: Parameters<Metrics['handler']>[0], res: Parameters<Metrics['handler']>[1]) => metrics.handler(req, res));
}
