import { AppError, type Logger } from '@groundwork/core';

const DAY_MS = 86_400_000;

/** The UTC day of `at` as `YYYY-MM-DD`: the quota's day (and usage_daily's). */
export const utcDay = (at: number): string => new Date(at).toISOString().slice(0, 10);

/** The next UTC midnight after `at`: when the day's quota resets. */
export const nextUtcMidnight = (at: number): number => Math.floor(at / DAY_MS) * DAY_MS + DAY_MS;

/**
 * Where instances meet: writes this instance's count of the day for each
 * organization and answers every organization's total over all instances.
 */
export type QuotaExchange = (day: string, ownCounts: ReadonlyMap<string, number>) => Promise<Map<string, number>>;

/** What this instance knows of one organization's day. */
type Entry = {
  day: string;
  /** Calls this instance admitted today. */
  own: number;
  /** `own` as last written to the exchange. */
  ownWritten: number;
  /** The total over all instances as last learned (own written calls included); never decreases within a day. */
  known: number;
  lastCallAt: number;
  /** Whether the day's stored count (usage_daily) was asked for yet. */
  seeded: boolean;
};

/**
 * An organization called within this many intervals keeps learning the total
 * even when this instance admitted nothing new: its next calls are then
 * judged on a fresh total. Idle ones cost no Redis command.
 */
const RECENT_INTERVALS = 10;

/** Over the day's limit: the limit, what was counted and when it resets; Retry-After follows `retryAfterSeconds`. */
export function dailyLimitError(options: { limit: number; used: number; now: number }): AppError {
  const resetsAt = nextUtcMidnight(options.now);
  return new AppError('RATE_LIMITED', `The plan's limit of ${options.limit} plan-gated calls per day is reached`, {
    details: {
      quota: 'gatedCallsPerDay',
      limit: options.limit,
      used: options.used,
      resetsAt: new Date(resetsAt).toISOString(),
      retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - options.now) / 1000)),
    },
  });
}

/**
 * The daily limit of plan-gated calls per organization, enforced with no I/O
 * on the call: each instance counts what it admits and, every
 * `syncIntervalMs`, writes its own count of the day and learns the total over
 * all instances in one background round trip (ADR 024). A call is refused
 * when the last known total plus this instance's calls since reach the limit.
 * Instances learn of each other's calls only through the exchange, so the
 * total can overshoot by what the instances admit in about two intervals.
 * When the exchange fails, each instance keeps enforcing the limit on what it
 * knows, and the next exchange that succeeds restores the shared total.
 */
export function createGatedCallQuota(deps: {
  exchange: QuotaExchange;
  /**
   * The day's counts already stored (usage_daily), asked once per organization
   * with its first sync, in the background: the floor for an instance that
   * starts after Redis lost its data.
   */
  readStoredCounts?: (day: string, organizationIds: string[]) => Promise<Map<string, number>>;
  syncIntervalMs: number;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> | undefined;
  let failing = false;

  function entryFor(organizationId: string, day: string): Entry {
    const entry = entries.get(organizationId);
    if (entry?.day === day) return entry;
    const fresh = { day, own: 0, ownWritten: 0, known: 0, lastCallAt: 0, seeded: false };
    entries.set(organizationId, fresh);
    return fresh;
  }

  const estimate = (entry: Entry) => entry.known + entry.own - entry.ownWritten;

  /** Stored counts of the organizations not yet seeded; never rejects (Redis stays the main source). */
  async function storedCountsOf(day: string, organizationIds: string[]): Promise<Map<string, number>> {
    const unseeded = organizationIds.filter((organizationId) => entries.get(organizationId)?.seeded === false);
    if (!deps.readStoredCounts || unseeded.length === 0) return new Map();
    for (const organizationId of unseeded) (entries.get(organizationId) as Entry).seeded = true;
    return deps.readStoredCounts(day, unseeded).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not read stored usage; the daily limit relies on Redis alone');
      return new Map<string, number>();
    });
  }

  async function exchangeOnce(options: { seed: boolean }): Promise<void> {
    const at = now();
    const day = utcDay(at);
    const recentSince = at - deps.syncIntervalMs * RECENT_INTERVALS;
    const owns = new Map<string, number>();
    for (const [organizationId, entry] of entries) {
      // Past days are done: usage_daily keeps their counts, the limit no longer needs them.
      if (entry.day !== day) entries.delete(organizationId);
      else if (entry.own > entry.ownWritten || entry.lastCallAt > recentSince) owns.set(organizationId, entry.own);
    }
    if (owns.size === 0) return;
    const stored = options.seed ? storedCountsOf(day, [...owns.keys()]) : Promise.resolve(new Map<string, number>());
    try {
      const totals = await deps.exchange(day, owns);
      for (const [organizationId, written] of owns) {
        const entry = entries.get(organizationId);
        if (entry?.day !== day) continue;
        // max: a Redis that lost its data answers less than we knew; what we knew still counts.
        entry.known = Math.max(entry.known + written - entry.ownWritten, totals.get(organizationId) ?? 0);
        entry.ownWritten = written;
      }
      if (failing) deps.logger.info('plan-gated call counts reconciled again');
      failing = false;
    } catch (err) {
      // Once per outage, not once per interval.
      if (!failing) deps.logger.warn({ err }, 'could not reconcile plan-gated call counts; enforcing on local counts');
      failing = true;
    }
    for (const [organizationId, count] of await stored) {
      const entry = entries.get(organizationId);
      // Less this instance's calls not yet in `known`: the stored count may hold them already.
      if (entry?.day === day) entry.known = Math.max(entry.known, count - (entry.own - entry.ownWritten));
    }
  }

  function sync(options = { seed: true }): Promise<void> {
    syncing ??= exchangeOnce(options).finally(() => {
      syncing = undefined;
    });
    return syncing;
  }

  return {
    /**
     * Admits one plan-gated call of the organization or throws RATE_LIMITED
     * with the limit, the calls counted and when the day resets. No I/O.
     */
    take(organizationId: string, limit: number): void {
      const at = now();
      const entry = entryFor(organizationId, utcDay(at));
      const used = estimate(entry);
      entry.lastCallAt = at;
      if (used >= limit) throw dailyLimitError({ limit, used, now: at });
      entry.own += 1;
    },
    /** Writes this instance's counts and learns the totals; one at a time, never rejects. */
    sync: (): Promise<void> => sync(),
    /** Syncs on a timer from now on. */
    start(): Promise<void> {
      timer = setInterval(() => void sync(), deps.syncIntervalMs);
      timer.unref();
      return Promise.resolve();
    },
    /** Stops the timer and writes what is left, so a restarted instance's calls still count. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await syncing;
      await sync({ seed: false });
    },
  };
}

export type GatedCallQuota = ReturnType<typeof createGatedCallQuota>;
