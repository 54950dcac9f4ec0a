import type { Logger } from 'pino';

import { withTimeout } from './with-timeout.js';

export type DependencyCheck = () => Promise<unknown>;

export type ReadinessReport = {
  ok: boolean;
  /** Per dependency: `ok`, or `failed` (the reason goes to the log, never to the caller). */
  checks: Record<string, 'ok' | 'failed'>;
};

/**
 * Runs every dependency check at once, each bounded by `timeoutMs`, so one
 * hung dependency neither hides the state of the others nor stalls the probe.
 */
export async function checkReadiness(
  checks: Record<string, DependencyCheck>,
  options: { timeoutMs: number; logger: Logger },
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(
    names.map((name) => withTimeout(Promise.resolve().then(checks[name]), options.timeoutMs, name)),
  );
  const report: ReadinessReport = { ok: true, checks: {} };
  outcomes.forEach((outcome, index) => {
    const name = names[index] ?? 'unknown';
    if (outcome.status === 'fulfilled') {
      report.checks[name] = 'ok';
      return;
    }
    report.ok = false;
    report.checks[name] = 'failed';
    options.logger.warn({ err: outcome.reason as unknown, dependency: name }, 'readiness check failed');
  });
  return report;
}
