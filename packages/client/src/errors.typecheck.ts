/**
 * Compile-time tests of the typed errors (checked by `npm run typecheck`): an
 * unused @ts-expect-error fails the build, so each line below proves a mistake
 * does not compile. The second half pins the client's copies of the server's
 * names to the server's own types.
 */
import type { AppRouter as ServerRouter } from '@groundwork/api/router';
import type { Entitlements, Feature as ServerFeature, PlanKey as ServerPlanKey } from '@groundwork/billing';
import type { inferRouterError, TRPC_ERROR_CODE_KEY } from '@trpc/server';

import {
  type ApiErrorCode,
  type ApiErrorShape,
  type EntitlementReason,
  errorDetails,
  type Feature,
  type PlanKey,
  type SubscriptionStatus,
} from './index.js';

export function narrowsOnCode(error: unknown) {
  const details = errorDetails(error);
  if (details?.code === 'PAYMENT_REQUIRED') {
    const feature: 'analytics' | 'prioritySupport' | 'sso' = details.requiredFeature;
    const plan: 'free' | 'pro' | 'business' = details.plan;
    const why = `${details.status} ${details.reason}`;
    // @ts-expect-error a typo in a detail's name
    void details.requiredFeatur;
    // @ts-expect-error a feature that does not exist
    if (details.requiredFeature === 'analytic') return null;
    // @ts-expect-error retryAfterMs belongs to TOO_MANY_REQUESTS
    void details.retryAfterMs;
    return { feature, plan, why };
  }
  if (details?.code === 'TOO_MANY_REQUESTS') return details.retryAfterMs satisfies number;
  if (details?.code === 'BAD_REQUEST') return details.fieldErrors.email?.[0] satisfies string | undefined;
  // @ts-expect-error a typo in the code
  if (details?.code === 'PAYMENT_REQUIRD') return null;
  // @ts-expect-error an untyped read without narrowing first
  void details?.requiredFeature;
  return details?.message;
}

type Equal<TA, TB> = [TA] extends [TB] ? ([TB] extends [TA] ? true : false) : false;
const assertTrue = <T extends true>(value: T) => value;

export const sameNamesAsTheServer = [
  assertTrue<Equal<Feature, ServerFeature>>(true),
  assertTrue<Equal<PlanKey, ServerPlanKey>>(true),
  assertTrue<Equal<SubscriptionStatus, Entitlements['status']>>(true),
  assertTrue<Equal<EntitlementReason, Entitlements['reason']>>(true),
  assertTrue<Equal<ApiErrorCode, TRPC_ERROR_CODE_KEY>>(true),
];

/** The server's error formatter answers in the shape the client declares. */
export const serverErrorShape = (shape: inferRouterError<ServerRouter>): ApiErrorShape => shape;
