import { TRPCClientError } from '@trpc/client';
import { describe, expect, test } from 'vitest';

import {
  type ApiErrorData,
  errorDetails,
  isEmailDeliveryDisabled,
  isEmailNotVerified,
  isRateLimited,
  isStepUpRequired,
  memberLimitReached,
} from './errors.js';
import { isMfaChallenge, offersPasskey } from './mfa.js';

function apiError(message: string, data: Partial<ApiErrorData> & Pick<ApiErrorData, 'code'>) {
  return TRPCClientError.from({
    error: {
      message,
      code: -32000,
      data: { httpStatus: 400, requestId: 'req-1', zodError: null, details: null, ...data },
    },
  });
}

describe('errorDetails', () => {
  test('when the plan gate refuses a call, then it gives the feature, plan, status and reason', () => {
    const error = apiError('This needs a plan with analytics', {
      code: 'PAYMENT_REQUIRED',
      httpStatus: 402,
      details: { requiredFeature: 'analytics', plan: 'free', status: 'none', reason: 'no_subscription' },
    });

    expect(errorDetails(error)).toEqual({
      code: 'PAYMENT_REQUIRED',
      message: 'This needs a plan with analytics',
      httpStatus: 402,
      requestId: 'req-1',
      requiredFeature: 'analytics',
      plan: 'free',
      status: 'none',
      reason: 'no_subscription',
    });
  });

  test('when an invitation passes the members limit, then memberLimitReached gives the seats; for the plan gate it is null', () => {
    const full = apiError('The free plan allows 3 members, invitations included', {
      code: 'PAYMENT_REQUIRED',
      httpStatus: 402,
      details: { limit: 'members', max: 3, current: 3, plan: 'free' },
    });
    const gate = apiError('This needs a plan with analytics', {
      code: 'PAYMENT_REQUIRED',
      httpStatus: 402,
      details: { requiredFeature: 'analytics', plan: 'free', status: 'none', reason: 'no_subscription' },
    });

    expect(memberLimitReached(full)).toEqual({ max: 3, current: 3, plan: 'free' });
    expect(memberLimitReached(gate)).toBeNull();
  });

  test('when over a rate limit, then retryAfterMs is the server’s seconds in milliseconds', () => {
    const error = apiError('Too many requests', {
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      details: { retryAfterSeconds: 7 },
    });

    expect(errorDetails(error)).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterMs: 7000 });
    expect(isRateLimited(error)).toEqual({ retryAfterMs: 7000 });
    expect(errorDetails(error)).toMatchObject({ dailyLimit: null });
  });

  test('when the plan’s daily limit of gated calls is used up, then dailyLimit says the limit, the calls counted and when it resets', () => {
    const error = apiError('Daily limit reached', {
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      details: {
        quota: 'gatedCallsPerDay',
        limit: 100_000,
        used: 100_000,
        resetsAt: '2026-12-01T00:00:00.000Z',
        retryAfterSeconds: 3_600,
      },
    });

    expect(errorDetails(error)).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      retryAfterMs: 3_600_000,
      dailyLimit: {
        quota: 'gatedCallsPerDay',
        limit: 100_000,
        used: 100_000,
        resetsAt: new Date('2026-12-01T00:00:00.000Z'),
      },
    });
  });

  test('when input fails validation, then the field errors come from zod’s flattened issues', () => {
    const error = apiError('Invalid input', {
      code: 'BAD_REQUEST',
      zodError: { formErrors: [], fieldErrors: { email: ['Invalid email address'] } },
    });

    expect(errorDetails(error)).toMatchObject({
      code: 'BAD_REQUEST',
      formErrors: [],
      fieldErrors: { email: ['Invalid email address'] },
    });
  });

  test('when a domain check names a field, then its message becomes that field’s error', () => {
    const error = apiError('Password is too common', { code: 'BAD_REQUEST', details: { field: 'password' } });

    expect(errorDetails(error)).toMatchObject({
      fieldErrors: { password: ['Password is too common'] },
      formErrors: [],
    });
  });

  test('when the error did not come from the API, then there are no details', () => {
    expect(errorDetails(new Error('network down'))).toBeNull();
    expect(errorDetails('nope')).toBeNull();
    expect(isRateLimited(new Error('x'))).toBeNull();
  });
});

describe('isStepUpRequired', () => {
  test('when a sensitive action is refused for want of a recent sign-in, then it says so; other FORBIDDEN errors do not', () => {
    const stepUp = apiError('This action needs a recent sign-in', {
      code: 'FORBIDDEN',
      httpStatus: 403,
      details: { reason: 'STEP_UP_REQUIRED', windowSeconds: 600 },
    });
    const role = apiError('Needs admin', { code: 'FORBIDDEN', httpStatus: 403, details: { requiredRole: 'admin' } });

    expect([isStepUpRequired(stepUp), isStepUpRequired(role), isStepUpRequired(new Error('x'))]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('isEmailNotVerified', () => {
  test('when a checkout or invitation is refused for an unverified address, then it says so; step-up does not', () => {
    const unverified = apiError('Verify your e-mail address first', {
      code: 'FORBIDDEN',
      httpStatus: 403,
      details: { reason: 'EMAIL_NOT_VERIFIED' },
    });
    const stepUp = apiError('Needs a recent sign-in', {
      code: 'FORBIDDEN',
      httpStatus: 403,
      details: { reason: 'STEP_UP_REQUIRED' },
    });

    expect([isEmailNotVerified(unverified), isEmailNotVerified(stepUp), isEmailNotVerified(new Error('x'))]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('isEmailDeliveryDisabled', () => {
  test('when a request that only sends an e-mail is refused because delivery is off, then it says so; other refusals do not', () => {
    const disabled = apiError('E-mail delivery is turned off on this server', {
      code: 'PRECONDITION_FAILED',
      httpStatus: 412,
      details: { reason: 'EMAIL_DELIVERY_DISABLED' },
    });
    const unverified = apiError('Verify your e-mail address first', {
      code: 'FORBIDDEN',
      httpStatus: 403,
      details: { reason: 'EMAIL_NOT_VERIFIED' },
    });

    expect([
      isEmailDeliveryDisabled(disabled),
      isEmailDeliveryDisabled(unverified),
      isEmailDeliveryDisabled(new Error('x')),
    ]).toEqual([true, false, false]);
  });
});

describe('isMfaChallenge', () => {
  test('when login answers a challenge, then it narrows to it; tokens are not a challenge', () => {
    const challenge = {
      mfaRequired: true as const,
      challenge: 'gwm_x',
      challengeExpiresAt: '2026-12-01T00:00:00Z',
      methods: ['totp' as const],
    };
    const tokens = {
      accessToken: 'a',
      accessTokenExpiresAt: '2026-12-01T00:00:00Z',
      sessionExpiresAt: '2026-12-08T00:00:00Z',
      sessionId: 's',
    };

    expect([isMfaChallenge(challenge), isMfaChallenge(tokens)]).toEqual([true, false]);
  });

  test('when the challenge lists a passkey with its options, then offersPasskey narrows to it; TOTP only, not', () => {
    const totpOnly = {
      mfaRequired: true as const,
      challenge: 'gwm_x',
      challengeExpiresAt: '2026-12-01T00:00:00Z',
      methods: ['totp' as const],
    };
    const withPasskey = {
      ...totpOnly,
      methods: ['totp' as const, 'passkey' as const],
      passkeyOptions: { challenge: 'c', allowCredentials: [{ id: 'a', type: 'public-key' as const }] },
    };

    expect([offersPasskey(withPasskey), offersPasskey(totpOnly)]).toEqual([true, false]);
  });
});
