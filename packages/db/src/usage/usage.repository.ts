import type { Knex } from 'knex';

export type UsageIncrement = { organizationId: string; day: string; metric: string; count: number };

export function createUsageRepository(db: Knex) {
  return {
    /** Adds counts in one statement (the API batches them: no write per request). */
    async add(increments: UsageIncrement[]): Promise<void> {
      if (increments.length === 0) return;
      await db('usageDaily')
        .insert(increments)
        .onConflict(['organizationId', 'day', 'metric'])
        .merge({ count: db.raw('usage_daily.count + excluded.count') });
    },

    async listForOrganization(
      organizationId: string,
      sinceDay: string,
    ): Promise<{ day: string; metric: string; count: number }[]> {
      const rows: { day: Date | string; metric: string; count: string | number }[] = await db('usageDaily')
        .where({ organizationId })
        .where('day', '>=', sinceDay)
        .orderBy('day')
        .select(db.raw("to_char(day, 'YYYY-MM-DD') as day"), 'metric', 'count');
      return rows.map((row) => ({ day: String(row.day), metric: row.metric, count: Number(row.count) }));
    },
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;
