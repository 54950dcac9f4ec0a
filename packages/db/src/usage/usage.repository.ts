import type { Knex } from 'knex';
import { raw } from 'objection';

import { UsageDailyModel } from './usage.model.js';

export type UsageIncrement = { organizationId: string; day: string; metric: string; count: number };

export function createUsageRepository(db: Knex) {
  return {
    /**
     * Adds counts in one statement (the API batches them: no write per request).
     * Counts of organizations deleted meanwhile are dropped rather than failing the batch.
     * Raw SQL because the one statement carries the guarantee: the existence filter and
     * the additive upsert run together, so a concurrent delete or flush loses no count.
     */
    async add(increments: UsageIncrement[]): Promise<void> {
      if (increments.length === 0) return;
      await db.raw(
        `insert into usage_daily (organization_id, day, metric, count)
         select v.organization_id, v.day, v.metric, v.count
         from unnest(?::uuid[], ?::date[], ?::text[], ?::bigint[]) as v(organization_id, day, metric, count)
         where exists (select 1 from organizations o where o.id = v.organization_id)
         on conflict (organization_id, day, metric) do update set count = usage_daily.count + excluded.count`,
        [
          increments.map((increment) => increment.organizationId),
          increments.map((increment) => increment.day),
          increments.map((increment) => increment.metric),
          increments.map((increment) => increment.count),
        ],
      );
    },

    async listForOrganization(
      organizationId: string,
      sinceDay: string,
    ): Promise<{ day: string; metric: string; count: number }[]> {
      const rows = await UsageDailyModel.query(db)
        .where({ organizationId })
        .where('day', '>=', sinceDay)
        .orderBy('day')
        .select(raw("to_char(day, 'YYYY-MM-DD')").as('day'), 'metric', 'count');
      return rows.map((row) => ({ day: String(row.day), metric: row.metric, count: Number(row.count) }));
    },

    /** These organizations' stored counts of one metric on one day (the daily limit's floor). */
    async countsForDay(day: string, metric: string, organizationIds: string[]): Promise<Map<string, number>> {
      const rows = await UsageDailyModel.query(db)
        .where({ day, metric })
        .whereIn('organizationId', organizationIds)
        .select('organizationId', 'count');
      return new Map(rows.map((row) => [row.organizationId, Number(row.count)]));
    },
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;
