import type { RouterOutputs } from './create-api-client.js';

/** What `auth.login` answers: tokens, or for a user with TOTP or a passkey, an MFA challenge. */
export type LoginResult = RouterOutputs['auth']['login'];
/**
 * Complete `challenge` before `challengeExpiresAt` with one of `methods`: 'totp' through
 * `auth.completeMfa` (a TOTP or recovery code), 'passkey' through `auth.completeMfaWithPasskey`.
 */
export type MfaChallenge = Extract<LoginResult, { mfaRequired: true }>;
/** A second factor an MFA challenge accepts. */
export type MfaMethod = MfaChallenge['methods'][number];
/** An MFA challenge that a passkey can complete: `passkeyOptions` go to navigator.credentials.get(). */
export type PasskeyMfaChallenge = MfaChallenge & { passkeyOptions: NonNullable<MfaChallenge['passkeyOptions']> };
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

/**
 * Whether the MFA step can be completed with a passkey.
 *
 * @example
 * if (isMfaChallenge(result) && offersPasskey(result)) {
 *   const response = await startAuthentication({ optionsJSON: result.passkeyOptions }); // @simplewebauthn/browser
 *   await client.auth.completeMfaWithPasskey.mutate({ challenge: result.challenge, response });
 * }
 */
export function offersPasskey(challenge: MfaChallenge): challenge is PasskeyMfaChallenge {
  return challenge.methods.includes('passkey') && challenge.passkeyOptions !== undefined;
}
