import { setTimeout as delay } from 'node:timers/promises';

import type pg from 'pg';

import type { Plan } from './organizations.js';

const RANK: Record<Plan, number> = { free: 0, pro: 1, business: 2 };

/**
 * Watches the stored subscriptions of the organizations someone waits for,
 * with one query every 20 ms for all of them, so the APIs are only asked once
 * the database holds the change: polling every waiting organization on both
 * APIs instead loaded the machine enough to distort the figures it measured.
 */
export function watchStoredPlans(db: pg.Pool) {
  const waiting = new Map<string, { expected: Plan; resolve: () => void }[]>();
  let running = false;

  async function loop(): Promise<void> {
    running = true;
    while (waiting.size > 0) {
      try {
        const { rows } = await db.query<{ organization_id: string; status: string; plan_key: Plan | null }>(
          'select organization_id, status, plan_key from subscriptions where organization_id = any($1)',
          [[...waiting.keys()]],
        );
        const stored = new Map<string, Plan>();
        for (const row of rows) {
          const plan: Plan = ['active', 'trialing'].includes(row.status) ? (row.plan_key ?? 'free') : 'free';
          if (RANK[plan] >= RANK[stored.get(row.organization_id) ?? 'free']) stored.set(row.organization_id, plan);
        }
        for (const [organizationId, waiters] of waiting) {
          const plan = stored.get(organizationId) ?? 'free';
          const done = waiters.filter((waiter) => waiter.expected === plan);
          done.forEach((waiter) => waiter.resolve());
          const left = waiters.filter((waiter) => waiter.expected !== plan);
          if (left.length === 0) waiting.delete(organizationId);
          else waiting.set(organizationId, left);
        }
      } catch {
        // PostgreSQL is restarting: ask again.
      }
      await delay(20);
    }
    running = false;
  }

  return {
    /** Resolves once the organization's stored subscriptions entitle it to `expected`. */
    reached(organizationId: string, expected: Plan): Promise<void> {
      return new Promise((resolve) => {
        waiting.set(organizationId, [...(waiting.get(organizationId) ?? []), { expected, resolve }]);
        if (!running) void loop();
      });
    },
  };
}

export type StoredPlanWatch = ReturnType<typeof watchStoredPlans>;
