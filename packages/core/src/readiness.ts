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

/**
 * A readiness probe that runs the checks at most once per `cacheMs`, however
 * often it is called: concurrent callers share one run, later ones reuse its
 * result. A public `/ready` cannot then be used to exhaust the connection pool.
 */
export function createReadinessProbe(
  checks: Record<string, DependencyCheck>,
  options: { timeoutMs: number; logger: Logger; cacheMs?: number },
): () => Promise<ReadinessReport> {
  const cacheMs = options.cacheMs ?? 1_000;
  let latest: { report: Promise<ReadinessReport>; at: number } | null = null;
  return () => {
    const now = Date.now();
    if (latest && now - latest.at < cacheMs) return latest.report;
    const report = checkReadiness(checks, options);
    latest = { report, at: now };
    return report;
  };
}
