import { z } from 'zod';

import { passwordInput } from './auth.schema.js';
import { passkeyAssertionOptionsOutput, passkeyAssertionResponse } from './passkeys.schema.js';

/** Six digits from the authenticator app. */
export const totpCodeInput = z.string().regex(/^\d{6}$/, 'expected the six-digit code from the authenticator app');

/** A TOTP code or a recovery code (`ABCD-EFGH-JKMN-PQRS`; case and dashes are forgiven). */
export const secondFactorCodeInput = z
  .string()
  .trim()
  .min(6)
  .max(32)
  .regex(/^[A-Za-z0-9-]+$/, 'expected a six-digit code or a recovery code');

export const mfaChallengeInput = z.string().regex(/^gwm_[\w-]{43}$/, 'expected the challenge from auth.login');

/** Offered when a factor changes: end every session of the user but this one. */
const endOtherSessions = z.boolean().optional();

export const confirmTwoFactorInput = z.strictObject({ code: totpCodeInput, endOtherSessions });
export type ConfirmTwoFactorInput = z.infer<typeof confirmTwoFactorInput>;

export const disableTwoFactorInput = z.strictObject({
  password: passwordInput,
  code: secondFactorCodeInput,
  endOtherSessions,
});
export type DisableTwoFactorInput = z.infer<typeof disableTwoFactorInput>;

export const completeMfaInput = z.strictObject({ challenge: mfaChallengeInput, code: secondFactorCodeInput });
export type CompleteMfaInput = z.infer<typeof completeMfaInput>;

export const completeMfaWithPasskeyInput = z.strictObject({
  challenge: mfaChallengeInput,
  response: passkeyAssertionResponse,
});
export type CompleteMfaWithPasskeyInput = z.infer<typeof completeMfaWithPasskeyInput>;

export const reauthenticateInput = z.strictObject({ password: passwordInput, code: secondFactorCodeInput.optional() });
export type ReauthenticateInput = z.infer<typeof reauthenticateInput>;

export const enrollTwoFactorOutput = z.object({
  /** Holds the secret: shown during enrolment only, never after confirmation. */
  otpauthUri: z.string(),
  /** The same URI as a PNG data URL, for `<img src>`. */
  qrCode: z.string(),
});

export const confirmTwoFactorOutput = z.object({
  /** Shown once: only their hashes are stored. */
  recoveryCodes: z.array(z.string()),
  endedSessions: z.number(),
});

export const disableTwoFactorOutput = z.object({ endedSessions: z.number() });

/** What auth.login answers instead of tokens for a user with TOTP or a passkey. */
export const mfaChallengeOutput = z.object({
  mfaRequired: z.literal(true),
  challenge: z.string(),
  challengeExpiresAt: z.date(),
  /** 'totp': auth.completeMfa with a code (or a recovery code); 'passkey': auth.completeMfaWithPasskey. */
  methods: z.array(z.enum(['totp', 'passkey'])),
  /** With 'passkey' among the methods: the options for navigator.credentials.get(). */
  passkeyOptions: passkeyAssertionOptionsOutput.optional(),
});

export const reauthenticateOutput = z.object({ validUntil: z.date() });
