import type { Feature } from '@groundwork/billing';
import { AppError } from '@groundwork/core';

import { organizationScope } from '../organization-scope.js';
import { middleware } from '../t.js';

/**
 * The plan gate: the organization must be entitled to `feature`, read from
 * the in-process entitlement cache (never from token claims). Otherwise
 * PAYMENT_REQUIRED with what is needed and what the organization has.
 * Then the plan's daily limit of gated calls (RATE_LIMITED with the limit,
 * the calls counted and when it resets; ADR 024), and the call is counted as
 * usage. Neither does I/O here: both count in memory and sync in the background.
 */
export function requireFeature(feature: Feature) {
  return middleware(async function requirePlanFeature({ ctx, input, next }) {
    const { organizationId } = organizationScope.parse(input);
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
    return next({ ctx: { entitlements } });
  });
}
