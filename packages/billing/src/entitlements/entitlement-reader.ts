import type { SubscriptionRepository, SubscriptionRow } from '@groundwork/db';

import {
  decideEntitlements,
  type Entitlements,
  type SubscriptionState,
  type SubscriptionStatus,
} from './entitlement-policy.js';

export function toSubscriptionState(row: SubscriptionRow | undefined): SubscriptionState | null {
  if (!row) return null;
  return {
    // A price we do not sell entitles to nothing.
    planKey: row.planKey ?? 'free',
    status: row.status as SubscriptionStatus,
    currentPeriodStart: row.currentPeriodStart,
    currentPeriodEnd: row.currentPeriodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
  };
}

/** Reads an organization's stored subscription and applies the policy (a database read; cache the result). */
export function createEntitlementReader(deps: {
  subscriptions: Pick<SubscriptionRepository, 'findCurrentForOrganization'>;
  pastDueGraceDays: number;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return async function readEntitlements(organizationId: string): Promise<Entitlements> {
    const row = await deps.subscriptions.findCurrentForOrganization(organizationId);
    return decideEntitlements(toSubscriptionState(row), now(), { pastDueGraceDays: deps.pastDueGraceDays });
  };
}

export type EntitlementReader = ReturnType<typeof createEntitlementReader>;
