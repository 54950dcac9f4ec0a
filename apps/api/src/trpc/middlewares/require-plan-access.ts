import type { Feature } from '@groundwork/billing';

import { organizationScope } from '../organization-scope.js';
import { middleware } from '../t.js';
import { requireFeature } from './require-feature.js';
import { memberOrKeyAccess } from './require-member-or-key.js';

/**
 * Plan-gated procedures: the caller's access as `requireMemberOrKey` checks it, then the
 * organization's entitlement to `feature` (`requireFeature`), in that order, in one step of
 * tRPC's chain: each step copies its options and context, and this is the hot path (ADR 036).
 * Adds `ctx.principal`, `ctx.membership` and `ctx.entitlements`.
 */
export function requirePlanAccess(feature: Feature) {
  return middleware(async function requirePlanAccess({ ctx, input, type, next }) {
    const { organizationId } = organizationScope.parse(input);
    const access = await memberOrKeyAccess(ctx, organizationId, type);
    const entitlements = await requireFeature(ctx, organizationId, feature);
    return next({ ctx: { ...access, entitlements } });
  });
}
