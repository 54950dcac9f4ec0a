import { setTimeout as delay } from 'node:timers/promises';

import type { Organization, Plan } from './organizations.js';
import type { StoredPlanWatch } from './stored-plans.js';
import { callProcedure } from './trpc.js';

/**
 * Polling steps once the database holds the change: fine at first, where the figures are made, and never
 * coarser than 100 ms, so a wait for an API's restart is not rounded up by a long step (ADR 033).
 */
const STEPS_MS = [10, 10, 20, 20, 50, 50];
const MAX_STEP_MS = 100;

/** The plan one API instance shows a member of the organization right now, or why it showed none. */
export async function visiblePlan(apiUrl: string, organization: Organization): Promise<string> {
  try {
    const result = await callProcedure<{ plan: Plan }>(apiUrl, 'billing.subscription', {
      input: { organizationId: organization.organizationId },
      token: organization.token,
    });
    return result.ok ? result.data.plan : result.code;
  } catch (error) {
    return error instanceof Error ? error.name : 'no answer';
  }
}

/**
 * Resolves with the instants (performance.now()) at which the database was seen to hold the change and
 * every API instance then showed the expected plan to a member, as the entitlement read answers it.
 * An instance that is down does not show it: waiting for it is part of the
 * latency. The API holds no push channel a client could await, so this
 * polls, and only once the database holds the change (`stored`); the second instant is when the
 * answer arrived, so a slow answer counts too.
 */
export async function waitVisible(
  organization: Organization,
  expected: Plan,
  options: { apiUrls: string[]; deadline: number; stored: StoredPlanWatch },
): Promise<{ storedAt: number; visibleAt: number }> {
  await options.stored.reached(organization.organizationId, expected);
  const storedAt = performance.now();
  const pending = new Set(options.apiUrls);
  const last = new Map<string, string>();
  for (let round = 0; ; round += 1) {
    // Every instance at once: asked one after the other, a busy first one would delay the second's answer.
    await Promise.all(
      [...pending].map(async (url) => {
        const shown = await visiblePlan(url, organization);
        last.set(url, shown);
        if (shown === expected) pending.delete(url);
      }),
    );
    if (pending.size === 0) return { storedAt, visibleAt: performance.now() };
    if (performance.now() > options.deadline) {
      throw new Error(
        `organization ${organization.organizationId} never showed ${expected} on ` +
          [...pending].map((url) => `${url} (last: ${last.get(url)})`).join(', '),
      );
    }
    await delay(STEPS_MS[round] ?? MAX_STEP_MS);
  }
}
