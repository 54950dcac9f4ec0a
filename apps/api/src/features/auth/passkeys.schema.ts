import { z } from 'zod';

import { safeText } from '../../http/shared.schema.js';
import { emailInput } from './auth.schema.js';

const base64url = (maxLength: number) =>
  z
    .string()
    .max(maxLength)
    .regex(/^[A-Za-z0-9_-]*$/, 'expected base64url');
/** Credential ids are 16 to 1023 bytes (WebAuthn §5.8.3). */
const credentialId = base64url(1366).min(22);
const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8);

// What a browser's PublicKeyCredential.toJSON() sends. These objects are made by browsers, which add fields
// over time: the fields we need are checked and bounded, others are dropped rather than refused.
const publicKeyCredential = {
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  // No extensions are requested, so none are read: whatever the browser reports is stripped.
  clientExtensionResults: z.object({}),
};

export const passkeyRegistrationResponse = z.object({
  ...publicKeyCredential,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(16_384),
    transports: transports.optional(),
  }),
});

export const passkeyAssertionResponse = z.object({
  ...publicKeyCredential,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(1024),
    userHandle: base64url(128).optional(),
  }),
});

const passkeyId = z.uuid();
const passkeyName = safeText(100).trim().min(1);

export const registerPasskeyInput = z.strictObject({
  response: passkeyRegistrationResponse,
  name: passkeyName.optional(),
  /** Offered when a factor is added: end every session of the user but this one. */
  endOtherSessions: z.boolean().optional(),
});
export const renamePasskeyInput = z.strictObject({ passkeyId, name: passkeyName });
export const removePasskeyInput = z.strictObject({ passkeyId });
export const passkeyLoginOptionsInput = z.strictObject({ email: emailInput.optional() }).optional();
export const passkeyLoginInput = z.strictObject({
  challengeId: z.string().regex(/^gwp_[\w-]{43}$/, 'expected the challengeId from auth.passkeys.loginOptions'),
  response: passkeyAssertionResponse,
});
export const passkeyReauthenticateInput = z.strictObject({ response: passkeyAssertionResponse });

const credentialDescriptor = z.object({
  id: z.string(),
  /** Always 'public-key' today; typed as the library types it. */
  type: z.string(),
  transports: z.array(z.string()).optional(),
});

/** What navigator.credentials.get() takes (as JSON; @simplewebauthn/browser's startAuthentication reads it). */
export const passkeyAssertionOptionsOutput = z.object({
  challenge: z.string(),
  timeout: z.number().optional(),
  rpId: z.string().optional(),
  allowCredentials: z.array(credentialDescriptor).optional(),
  userVerification: z.enum(['required', 'preferred', 'discouraged']).optional(),
});

/** What navigator.credentials.create() takes (as JSON; @simplewebauthn/browser's startRegistration reads it). */
export const passkeyRegistrationOptionsOutput = z.object({
  rp: z.object({ name: z.string(), id: z.string().optional() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
  challenge: z.string(),
  pubKeyCredParams: z.array(z.object({ alg: z.number(), type: z.string() })),
  timeout: z.number().optional(),
  excludeCredentials: z.array(credentialDescriptor).optional(),
  authenticatorSelection: z
    .object({
      authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
      requireResidentKey: z.boolean().optional(),
      residentKey: z.enum(['discouraged', 'preferred', 'required']).optional(),
      userVerification: z.enum(['required', 'preferred', 'discouraged']).optional(),
    })
    .optional(),
  attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
});

export const passkeyOutput = z.object({
  id: z.string(),
  name: z.string(),
  /** multiDevice: synced by a platform (it survives losing the device); singleDevice: bound to one authenticator. */
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
});

export const registerPasskeyOutput = z.object({ passkey: passkeyOutput, endedSessions: z.number() });

export const passkeyLoginOptionsOutput = z.object({
  /** Send it back with the response to auth.passkeys.login. */
  challengeId: z.string(),
  options: passkeyAssertionOptionsOutput,
});
