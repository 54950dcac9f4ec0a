import type { Feature } from '@groundwork/billing';
import { AppError } from '@groundwork/core';

import { organizationScope } from '../organization-scope.js';
import { middleware } from '../t.js';

/**
 * The plan gate: the organization must be entitled to `feature`, read from
 * the in-process entitlement cache (never from token claims). Otherwise
 * PAYMENT_REQUIRED with what is needed and what the organization has.
 * Counts the call as usage (batched, no I/O here).
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
    ctx.services.usage.record(organizationId);
    return next({ ctx: { entitlements } });
  });
}
