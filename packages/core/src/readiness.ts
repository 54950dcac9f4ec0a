import type { Logger } from 'pino';

import type { BackgroundChecks } from './background-checks.js';
import { withTimeout } from './with-timeout.js';

export type DependencyCheck = () => Promise<unknown>;

export type ReadinessReport = {
  ok: boolean;
  /**
   * Per dependency: `ok`, or `failed` (the reason goes to the log, never to the
   * caller). Per background check: its latest state (`ok`, `unknown` before its
   * first run, `failed`, or its own secret-free description such as
   * `pending: …` or `degraded: …`).
   */
  checks: Record<string, string>;
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
 * A readiness probe that runs the dependency checks at most once per
 * `cacheMs`, however often it is called: concurrent callers share one run,
 * later ones reuse its result. A public `/ready` cannot then be used to
 * exhaust the connection pool. Background checks are only read, never run:
 * the probe is unready while a gating one is not `ok`, and merely reports the
 * others. Right after start it waits (within `timeoutMs`) for the gating
 * ones' first results rather than answer `unknown`.
 */
export function createReadinessProbe(
  checks: Record<string, DependencyCheck>,
  options: {
    timeoutMs: number;
    logger: Logger;
    cacheMs?: number;
    /** How long a failed result is reused: short, so a process that just connected turns ready at once. */
    failureCacheMs?: number;
    background?: BackgroundChecks;
  },
): () => Promise<ReadinessReport> {
  const cacheMs = options.cacheMs ?? 1_000;
  const failureCacheMs = options.failureCacheMs ?? 100;
  const background = options.background;
  let latest: { report: Promise<ReadinessReport>; at: number; ok: boolean | null } | null = null;
  const dependencies = () => {
    const now = Date.now();
    const maxAge = latest?.ok === false ? failureCacheMs : cacheMs;
    if (latest && now - latest.at < maxAge) return latest.report;
    const entry: NonNullable<typeof latest> = { report: checkReadiness(checks, options), at: now, ok: null };
    void entry.report.then((report) => {
      entry.ok = report.ok;
    });
    latest = entry;
    return entry.report;
  };
  return async () => {
    const [report] = await Promise.all([
      dependencies(),
      background &&
        withTimeout(background.firstResults(), options.timeoutMs, 'background checks').catch(() => undefined),
    ]);
    if (!background) return report;
    const merged: ReadinessReport = { ok: report.ok, checks: { ...report.checks } };
    for (const [name, { state, gating }] of Object.entries(background.states())) {
      merged.checks[name] = state;
      if (gating && state !== 'ok') merged.ok = false;
    }
    return merged;
  };
}
