export { AppError, type AppErrorCode, type AppErrorDetails } from './app-error.js';
export { createLogger, type Logger, REDACTED_PATHS } from './logger.js';
export { createShutdown, exitOnSignals, type Shutdown, type ShutdownStep } from './shutdown.js';
export { withTimeout } from './with-timeout.js';
export {
  type BackgroundCheck,
  type BackgroundChecks,
  type BackgroundCheckState,
  startBackgroundChecks,
} from './background-checks.js';
export { checkReadiness, createReadinessProbe, type DependencyCheck, type ReadinessReport } from './readiness.js';
export { Counter, createMetricsRegistry, Gauge, Histogram, metricsAccess, Registry } from './metrics.js';
export {
  currentTraceCarrier,
  InMemorySpanExporter,
  inSpan,
  SimpleSpanProcessor,
  startTracing,
  type TraceCarrier,
  withTraceCarrier,
} from './tracing.js';
export { periodicFlush } from './periodic-flush.js';
export { backoffRetry, type BackoffRetryOptions } from './backoff-retry.js';
export { type GroupCommit, groupCommit, type GroupCommitOptions } from './group-commit.js';
