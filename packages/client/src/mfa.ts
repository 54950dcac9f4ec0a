import type { RouterOutputs } from './create-api-client.js';

/** What `auth.login` answers: tokens, or for a user with two-factor on, an MFA challenge. */
export type LoginResult = RouterOutputs['auth']['login'];
/** Pass `challenge` with the user's TOTP or recovery code to `auth.completeMfa` before `challengeExpiresAt`. */
export type MfaChallenge = Extract<LoginResult, { mfaRequired: true }>;
/** The tokens of a completed sign-in (from `auth.login`, or `auth.completeMfa` after a challenge). */
export type SignedIn = RouterOutputs['auth']['completeMfa'];

/**
 * Narrows a login result to the MFA step.
 *
 * @example
 * const result = await client.auth.login.mutate({ email, password });
 * const tokens = isMfaChallenge(result)
 *   ? await client.auth.completeMfa.mutate({ challenge: result.challenge, code: await askForCode() })
 *   : result;
 */
export function isMfaChallenge(result: LoginResult): result is MfaChallenge {
  return 'mfaRequired' in result && result.mfaRequired;
}
