import { TRPCClientError } from '@trpc/client';

/** Every error code the API answers with (tRPC's names; HTTP status in `httpStatus`). */
export type ApiErrorCode =
  | 'PARSE_ERROR'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'PAYMENT_REQUIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_SUPPORTED'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE_CONTENT'
  | 'PRECONDITION_REQUIRED'
  | 'TOO_MANY_REQUESTS'
  | 'CLIENT_CLOSED_REQUEST'
  | 'INTERNAL_SERVER_ERROR'
  | 'NOT_IMPLEMENTED'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT';

/** The plans, features and entitlement states the API reports (checked against the server's own types). */
export type PlanKey = 'free' | 'pro' | 'business';
export type Feature = 'analytics' | 'prioritySupport' | 'sso';
export type SubscriptionStatus =
  'none' | 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';
export type EntitlementReason =
  | 'no_subscription'
  | 'active'
  | 'trialing'
  | 'canceling'
  | 'ended'
  | 'past_due_grace'
  | 'past_due_expired'
  | 'not_paid';

/** zod's flattened issues, as the API sends them for invalid input. */
export type FlattenedZodError = { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };

/**
 * The `data` of every error the API sends (its error formatter's shape).
 * `details` are the domain error's client-safe facts; `errorDetails()` reads them typed.
 */
export type ApiErrorData = {
  code: ApiErrorCode;
  httpStatus: number;
  path?: string;
  requestId: string | null;
  zodError: FlattenedZodError | null;
  details: Readonly<Record<string, string | number | boolean | null>> | null;
  stack?: string;
};

/** The error shape of the API's router (JSON-RPC style), as tRPC clients see it. */
export type ApiErrorShape = { message: string; code: number; data: ApiErrorData };

type Common<TCode extends ApiErrorCode> = {
  code: TCode;
  message: string;
  httpStatus: number;
  requestId: string | null;
};

/**
 * What went wrong, typed by error code: narrow on `code`.
 * - PAYMENT_REQUIRED: the feature needed, and the organization's plan, status and why
 *   (for the plan's members limit, read `memberLimitReached()` instead).
 * - TOO_MANY_REQUESTS: how long to wait; `dailyLimit` when the plan's daily limit of gated calls is used up
 *   (the limit, the calls counted and when it resets), null for the per-IP request limits.
 * - BAD_REQUEST: the field errors (from input validation or a domain check such as the password policy).
 */
export type ErrorDetails =
  | (Common<'PAYMENT_REQUIRED'> & {
      requiredFeature: Feature;
      plan: PlanKey;
      status: SubscriptionStatus;
      reason: EntitlementReason;
    })
  | (Common<'TOO_MANY_REQUESTS'> & { retryAfterMs: number; dailyLimit: DailyLimit | null })
  | (Common<'BAD_REQUEST'> & FlattenedZodError)
  | Common<Exclude<ApiErrorCode, 'PAYMENT_REQUIRED' | 'TOO_MANY_REQUESTS' | 'BAD_REQUEST'>>;

/** The plan's daily limit of plan-gated calls, used up: refused until `resetsAt` (the next UTC midnight). */
export type DailyLimit = { quota: 'gatedCallsPerDay'; limit: number; used: number; resetsAt: Date };

function dailyLimitOf(details: Readonly<Record<string, unknown>>): DailyLimit | null {
  if (details.quota !== 'gatedCallsPerDay') return null;
  return {
    quota: details.quota,
    limit: Number(details.limit),
    used: Number(details.used),
    resetsAt: new Date(String(details.resetsAt)),
  };
}

function dataOf(error: unknown): Partial<ApiErrorData> | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  return data && typeof data === 'object' ? data : null;
}

/**
 * Machine-readable details of a failed call, as a union discriminated on `code`;
 * null when `error` is not an error the API answered (a network failure, a bug).
 *
 * @example
 * const details = errorDetails(error);
 * if (details?.code === 'PAYMENT_REQUIRED') showUpgrade(details.requiredFeature);
 */
export function errorDetails(error: unknown): ErrorDetails | null {
  const data = dataOf(error);
  if (!data?.code || !(error instanceof Error)) return null;
  const common = { message: error.message, httpStatus: data.httpStatus ?? 0, requestId: data.requestId ?? null };
  const details = data.details ?? {};
  switch (data.code) {
    case 'PAYMENT_REQUIRED':
      return {
        ...common,
        code: data.code,
        requiredFeature: details.requiredFeature as Feature,
        plan: details.plan as PlanKey,
        status: details.status as SubscriptionStatus,
        reason: details.reason as EntitlementReason,
      };
    case 'TOO_MANY_REQUESTS':
      return {
        ...common,
        code: data.code,
        retryAfterMs: Math.max(1, Number(details.retryAfterSeconds ?? 1)) * 1000,
        dailyLimit: dailyLimitOf(details),
      };
    case 'BAD_REQUEST': {
      const field = typeof details.field === 'string' ? details.field : null;
      const fromDomain = field ? { [field]: [error.message] } : {};
      return {
        ...common,
        code: data.code,
        formErrors: data.zodError?.formErrors ?? (field ? [] : [error.message]),
        fieldErrors: { ...data.zodError?.fieldErrors, ...fromDomain },
      };
    }
    default:
      return { ...common, code: data.code };
  }
}

/** The call needs a plan the organization does not have; `errorDetails()` says which feature and why. */
export function isPaymentRequired(error: unknown): error is TRPCClientError<never> {
  return dataOf(error)?.code === 'PAYMENT_REQUIRED';
}

/**
 * An invitation (or its acceptance) would pass the plan's `members` limit:
 * how many seats the plan has and how many are taken (members and open
 * invitations). Null for any other error, the plan gate's included.
 *
 * @example
 * const full = memberLimitReached(error);
 * if (full) showUpgrade(`${full.current} of ${full.max} seats on ${full.plan}`);
 */
export function memberLimitReached(error: unknown): { max: number; current: number; plan: PlanKey } | null {
  const data = dataOf(error);
  const details = data?.details;
  if (data?.code !== 'PAYMENT_REQUIRED' || details?.limit !== 'members') return null;
  return { max: Number(details.max), current: Number(details.current), plan: details.plan as PlanKey };
}

/** The session is missing, expired or revoked (after the client already tried one refresh). */
export function isUnauthorized(error: unknown): error is TRPCClientError<never> {
  return dataOf(error)?.code === 'UNAUTHORIZED';
}

/** Over a rate limit: `retryAfterMs` says when to try again. */
export function isRateLimited(error: unknown): { retryAfterMs: number } | null {
  const details = errorDetails(error);
  return details?.code === 'TOO_MANY_REQUESTS' ? { retryAfterMs: details.retryAfterMs } : null;
}

/**
 * A sensitive action (password, two-factor settings, API keys, account
 * deletion) needs a recent sign-in: call `auth.reauthenticate` with the
 * password (and a code when two-factor is on), then retry.
 */
export function isStepUpRequired(error: unknown): error is TRPCClientError<never> {
  const data = dataOf(error);
  return data?.code === 'FORBIDDEN' && data.details?.reason === 'STEP_UP_REQUIRED';
}

/**
 * Checkouts and invitations need a verified e-mail address: ask the user to
 * follow the link we sent (or `auth.resendVerification`), then retry.
 */
export function isEmailNotVerified(error: unknown): error is TRPCClientError<never> {
  const data = dataOf(error);
  return data?.code === 'FORBIDDEN' && data.details?.reason === 'EMAIL_NOT_VERIFIED';
}

/**
 * E-mail delivery is turned off on this server (EMAIL_DELIVERY=disabled): a request that only
 * sends an e-mail (verification, address change, password reset) was refused and nothing was
 * sent or recorded. Stop offering it; the message tells the user to ask the operator.
 */
export function isEmailDeliveryDisabled(error: unknown): error is TRPCClientError<never> {
  const data = dataOf(error);
  return data?.code === 'PRECONDITION_FAILED' && data.details?.reason === 'EMAIL_DELIVERY_DISABLED';
}
