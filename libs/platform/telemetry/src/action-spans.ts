import { context, propagation, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = () => trace.getTracer('countersign');

/**
 * One span per step of an action, parented by the W3C `traceparent` the message carries, so one
 * proposal is one trace across the gateway, router, evaluator and projector. Returns the span and
 * the traceparent to put on whatever the step produces.
 */
export function startActionSpan(name: string, parentTraceparent: string | undefined, attributes: Attributes): { span: Span; traceparent?: string } {
  const parent = parentTraceparent ? propagation.extract(context.active(), { traceparent: parentTraceparent }) : context.active();
  const span = tracer().startSpan(name, { attributes }, parent);
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  return { span, traceparent: carrier.traceparent ?? parentTraceparent };
}
