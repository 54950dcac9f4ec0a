import { currentSubscription, type SubscriptionRow, type SyncSnapshot, type SyncWrite } from '@groundwork/db';

import { decideEntitlements, type PolicyOptions } from '../entitlements/entitlement-policy.js';
import { toSubscriptionState } from '../entitlements/entitlement-reader.js';

const COMPARED = ['status', 'priceId', 'cancelAtPeriodEnd', 'currentPeriodEnd', 'trialEnd'] as const;

function differs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return COMPARED.some((key) => {
    const left = a[key];
    const right = b[key];
    if (left instanceof Date || right instanceof Date)
      return (left as Date | null)?.getTime() !== (right as Date | null)?.getTime();
    return left !== right;
  });
}

/** What writing Stripe's rows over a snapshot changes: the drift it corrects, the plan before and after. */
export type SyncChange = {
  drift: number;
  planBefore: string;
  planAfter: string;
  /** The audit line of a plan or status change, written with the rows; null when neither changed. */
  audit: SyncWrite['audit'];
};

/**
 * Computes, from rows in hand, what the sync's write will change: the plan
 * before it from the snapshot, the plan after it from the snapshot with
 * Stripe's rows laid over (as the upsert lays them), so no read before or
 * after the write is needed (ADR 041).
 */
export function changeOf(
  snapshot: SyncSnapshot,
  rows: readonly SubscriptionRow[],
  context: { customerId: string; organizationId: string; eventId?: string; policy: PolicyOptions; now: Date },
): SyncChange {
  const { customerId, organizationId, eventId, policy, now } = context;
  const stored = new Map(
    snapshot.subscriptions.filter((row) => row.stripeCustomerId === customerId).map((row) => [row.id, row]),
  );
  // Drift: what a re-sync had to correct. A row missing locally counts too when no event
  // announced it (a lost webhook); on an event's own sync a new row is simply the news.
  const drift = rows.filter((row) => {
    const previous = stored.get(row.id);
    if (!previous) return eventId === undefined;
    return differs(previous, row);
  }).length;

  const written = new Set(rows.map((row) => row.id));
  const before = snapshot.subscriptions.filter((row) => row.organizationId === organizationId);
  const after = [...before.filter((row) => !written.has(row.id)), ...rows];
  const planBefore = decideEntitlements(toSubscriptionState(currentSubscription(before)), now, policy);
  const planAfter = decideEntitlements(toSubscriptionState(currentSubscription(after)), now, policy);
  const changed = planBefore.plan !== planAfter.plan || planBefore.status !== planAfter.status;
  return {
    drift,
    planBefore: planBefore.plan,
    planAfter: planAfter.plan,
    audit: changed
      ? {
          type: 'billing.plan_changed',
          metadata: {
            planBefore: planBefore.plan,
            planAfter: planAfter.plan,
            statusBefore: planBefore.status,
            statusAfter: planAfter.status,
            eventId: eventId ?? null,
          },
        }
      : null,
  };
}
