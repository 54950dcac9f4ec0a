import { context, propagation, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** W3C trace context as it travels inside job data. */
export type TraceCarrier = { traceparent?: string; tracestate?: string };

/**
 * Registers the OpenTelemetry tracer provider for this process (W3C trace
 * context, async-hooks context manager). Off unless enabled: then every span
 * below is a no-op costing next to nothing, and the SDK and exporter are not
 * even loaded (a few MiB of every process's memory; ADR 036).
 *
 * @param options.processors where spans go; by default an OTLP/HTTP exporter to `endpoint`
 */
export async function startTracing(options: {
  service: string;
  enabled: boolean;
  endpoint: string;
  processors?: SpanProcessor[];
}): Promise<{ shutdown: () => Promise<void> }> {
  if (!options.enabled) return { shutdown: () => Promise.resolve() };
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { resourceFromAttributes }, { OTLPTraceExporter }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/exporter-trace-otlp-http'),
    ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    spanProcessors: options.processors ?? [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint }))],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

const tracer = () => trace.getTracer('groundwork');

/** Runs `work` in a span (a child of the active one); records failures on it. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active trace context, to put in a job so the worker continues the same trace. */
export function currentTraceCarrier(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `work` inside the trace context a producer put in the job (or a fresh one). */
export function withTraceCarrier<T>(carrier: TraceCarrier | undefined, work: () => Promise<T>): Promise<T> {
  const parent = carrier ? propagation.extract(context.active(), carrier) : context.active();
  return context.with(parent, work);
}
