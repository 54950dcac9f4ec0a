import type { StoredPasskey } from '@groundwork/db';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

export type PasskeySettings = {
  /** The host name passkeys are bound to (WEBAUTHN_RP_ID). */
  rpId: string;
  /** What browsers show while creating a passkey. */
  rpName: string;
  /** Page origins allowed to run a ceremony (WEBAUTHN_ORIGINS). */
  origins: readonly string[];
  challengeTtlSeconds: number;
};

export type PasskeyRegistrationOptions = PublicKeyCredentialCreationOptionsJSON;
export type PasskeyAssertionOptions = PublicKeyCredentialRequestOptionsJSON;
export type PasskeyRegistrationResponse = RegistrationResponseJSON;
export type PasskeyAssertionResponse = AuthenticationResponseJSON;

/**
 * Loaded on the first ceremony, not at start-up: the library and its X.509 and
 * ASN.1 dependencies are code every process would otherwise hold for a route
 * few calls take (ADR 039). Node caches the module after the first import.
 */
const webauthn = () => import('@simplewebauthn/server');

export type VerifiedRegistration = {
  credentialId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
};

/** The WebAuthn user handle: the user id's bytes. Opaque, not personal data, and stable for the account. */
export const userHandleOf = (userId: string) => Buffer.from(userId, 'utf8');

/**
 * @simplewebauthn/server with our policy fixed in one place (ADR 028): user
 * verification required (a passkey alone is two factors: the device and its
 * unlock), 'none' attestation, discoverable credentials, and the configured RP
 * ID and origins. A response the library refuses (wrong origin, RP ID,
 * challenge, signature, counter, missing verification) comes back as null:
 * the callers answer every refusal alike.
 */
export function createRelyingParty(settings: PasskeySettings) {
  const timeout = settings.challengeTtlSeconds * 1000;
  const expected = {
    expectedOrigin: [...settings.origins],
    expectedRPID: settings.rpId,
    requireUserVerification: true,
  };

  return {
    async registrationOptions(user: { id: string; name: string; displayName: string; existing: StoredPasskey[] }) {
      const { generateRegistrationOptions } = await webauthn();
      return generateRegistrationOptions({
        rpName: settings.rpName,
        rpID: settings.rpId,
        userID: new Uint8Array(userHandleOf(user.id)),
        userName: user.name,
        userDisplayName: user.displayName,
        attestationType: 'none',
        timeout,
        // The same authenticator twice would be one factor listed as two.
        excludeCredentials: user.existing.map((passkey) => ({
          id: passkey.credentialId,
          transports: passkey.transports,
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
    },

    /** @param allowCredentials empty for a discoverable ceremony (the authenticator offers the user's passkeys) */
    async assertionOptions(allowCredentials: string[]): Promise<PasskeyAssertionOptions> {
      const { generateAuthenticationOptions } = await webauthn();
      return generateAuthenticationOptions({
        rpID: settings.rpId,
        timeout,
        userVerification: 'required',
        // Transports are left out, so an account's list looks like a decoy's (see decoy-credentials.ts).
        allowCredentials: allowCredentials.map((id) => ({ id })),
      });
    },

    async verifyRegistration(
      response: PasskeyRegistrationResponse,
      expectedChallenge: string,
    ): Promise<VerifiedRegistration | null> {
      // Outside the try: a library that cannot load is a fault to report, not a refused passkey.
      const { verifyRegistrationResponse } = await webauthn();
      try {
        const { verified, registrationInfo } = await verifyRegistrationResponse({
          response,
          expectedChallenge,
          ...expected,
        });
        if (!verified) return null;
        return {
          credentialId: registrationInfo.credential.id,
          publicKey: Buffer.from(registrationInfo.credential.publicKey),
          counter: registrationInfo.credential.counter,
          transports: registrationInfo.credential.transports ?? [],
          deviceType: registrationInfo.credentialDeviceType,
          backedUp: registrationInfo.credentialBackedUp,
        };
      } catch {
        return null;
      }
    },

    async verifyAssertion(
      response: PasskeyAssertionResponse,
      expectedChallenge: string,
      passkey: StoredPasskey,
    ): Promise<{ newCounter: number; backedUp: boolean } | null> {
      const { verifyAuthenticationResponse } = await webauthn();
      try {
        const { verified, authenticationInfo } = await verifyAuthenticationResponse({
          response,
          expectedChallenge,
          ...expected,
          credential: {
            id: passkey.credentialId,
            publicKey: new Uint8Array(passkey.publicKey),
            counter: passkey.counter,
            transports: passkey.transports,
          },
        });
        return verified
          ? { newCounter: authenticationInfo.newCounter, backedUp: authenticationInfo.credentialBackedUp }
          : null;
      } catch {
        return null;
      }
    },
  };
}

export type RelyingParty = ReturnType<typeof createRelyingParty>;
