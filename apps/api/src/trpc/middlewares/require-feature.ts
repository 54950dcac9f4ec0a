import type { Feature } from '@groundwork/billing';
import { AppError } from '@groundwork/core';

import type { Context } from '../context.js';

/**
 * The plan gate: the organization must be entitled to `feature`, read from
 * the in-process entitlement cache (never from token claims). Otherwise
 * PAYMENT_REQUIRED with what is needed and what the organization has.
 * Then the plan's daily limit of gated calls (RATE_LIMITED with the limit,
 * the calls counted and when it resets; ADR 024), and the call is counted as
 * usage. Neither does I/O here: both count in memory and sync in the background.
 * Returns the entitlements; `requirePlanAccess` runs it after the caller's access.
 */
export async function requireFeature(ctx: Context, organizationId: string, feature: Feature) {
  const entitlements = await ctx.services.entitlements.get(organizationId);
  if (!entitlements.features[feature]) {
    throw new AppError('PAYMENT_REQUIRED', `This needs a plan with ${feature}`, {
      details: {
        requiredFeature: feature,
        plan: entitlements.plan,
        status: entitlements.status,
        reason: entitlements.reason,
      },
    });
  }
  ctx.services.gatedCallQuota.take(organizationId, entitlements.limits.gatedCallsPerDay);
  ctx.services.usage.record(organizationId);
  return entitlements;
}
