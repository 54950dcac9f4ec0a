import type { Feature } from '@groundwork/billing';
import { TRPCError } from '@trpc/server';

import { organizationScope } from '../organization-scope.js';
import { middleware } from '../t.js';
import { requireFeature } from './require-feature.js';
import { memberOrKeyAccess } from './require-member-or-key.js';

/**
 * Plan-gated procedures: the caller's access as `requireMemberOrKey` checks it, then the
 * organization's entitlement to `feature` (`requireFeature`), in that order, in one step of
 * tRPC's chain: each step copies its options and context, and this is the hot path (ADR 036).
 * Adds `ctx.principal`, `ctx.membership` and `ctx.entitlements`.
 *
 * It reads the organization from the raw input itself instead of after an input step of its own
 * (ADR 043), and refuses it exactly as tRPC's input step would (BAD_REQUEST with the ZodError as
 * cause); the procedure's own input, which names `organizationId` too, is parsed after the gate.
 */
export function requirePlanAccess(feature: Feature) {
  return middleware(async function requirePlanAccess({ ctx, getRawInput, type, next }) {
    const scope = organizationScope.safeParse(await getRawInput());
    if (!scope.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: scope.error });
    const { organizationId } = scope.data;
    const access = await memberOrKeyAccess(ctx, organizationId, type);
    const entitlements = await requireFeature(ctx, organizationId, feature);
    return next({ ctx: { ...access, entitlements } });
  });
}
