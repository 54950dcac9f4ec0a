import type { Entitlements } from '@groundwork/billing';
import type { UsageRepository } from '@groundwork/db';

import { GATED_CALLS_METRIC, type UsageRecorder } from '../billing/billing.public.js';

const DAY = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

export function createAnalyticsService(deps: {
  usage: Pick<UsageRepository, 'listForOrganization'>;
  recorder: UsageRecorder;
}) {
  return {
    /** The organization's gated-call usage for the last 30 days, against its plan's daily limit. */
    async dashboard(organizationId: string, entitlements: Entitlements) {
      const now = new Date();
      const since = isoDay(new Date(now.getTime() - 29 * DAY));
      const stored = await deps.usage.listForOrganization(organizationId, since);
      const byDay = new Map(
        stored.filter((row) => row.metric === GATED_CALLS_METRIC).map((row) => [row.day, row.count]),
      );
      const todayKey = isoDay(now);
      byDay.set(todayKey, (byDay.get(todayKey) ?? 0) + deps.recorder.pendingCount(organizationId, todayKey));
      const days = Array.from({ length: 30 }, (_, index) => {
        const day = isoDay(new Date(now.getTime() - (29 - index) * DAY));
        return { day, gatedCalls: byDay.get(day) ?? 0 };
      });
      return {
        plan: entitlements.plan,
        limits: entitlements.limits,
        today: { day: todayKey, gatedCalls: byDay.get(todayKey) ?? 0, limit: entitlements.limits.gatedCallsPerDay },
        days,
      };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
