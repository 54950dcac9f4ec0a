import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../../../../test/support/software-authenticator.js';

// The passkey tests rest on this: if @simplewebauthn/server accepts what the
// software authenticator produces, and refuses it when origin, RP ID, counter
// or user verification are wrong, the integration tests prove real behaviour.
const rp = { rpID: 'localhost', rpName: 'Groundwork', origin: 'http://localhost:3000' };

async function registered() {
  const authenticator = new SoftwareAuthenticator({ origin: rp.origin, rpId: rp.rpID });
  const options = await generateRegistrationOptions({
    rpID: rp.rpID,
    rpName: rp.rpName,
    userName: 'ada@example.test',
    attestationType: 'none',
  });
  const verification = await verifyRegistrationResponse({
    response: authenticator.createCredential(options),
    expectedChallenge: options.challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: true,
  });
  if (!verification.verified) throw new Error('registration was not verified');
  return { authenticator, credential: verification.registrationInfo.credential };
}

async function assert(
  authenticator: SoftwareAuthenticator,
  credential: Awaited<ReturnType<typeof registered>>['credential'],
  overrides: Parameters<SoftwareAuthenticator['getAssertion']>[1] = {},
) {
  const options = await generateAuthenticationOptions({ rpID: rp.rpID });
  return verifyAuthenticationResponse({
    response: authenticator.getAssertion(options, overrides),
    expectedChallenge: options.challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    credential,
    requireUserVerification: true,
  });
}

describe('software authenticator against @simplewebauthn/server', () => {
  it('registers a P-256 credential with none attestation', async () => {
    const { authenticator, credential } = await registered();
    expect(credential.id).toBe(authenticator.credentialIdBase64Url);
    expect(credential.counter).toBe(1);
    expect(credential.transports).toEqual(['internal']);
  });

  it('produces assertions the server verifies, with a rising counter', async () => {
    const { authenticator, credential } = await registered();
    const verification = await assert(authenticator, credential);
    expect(verification.verified).toBe(true);
    expect(verification.authenticationInfo.newCounter).toBe(2);
  });

  it('is refused for another origin', async () => {
    const { authenticator, credential } = await registered();
    await expect(assert(authenticator, credential, { origin: 'https://evil.example' })).rejects.toThrow(/origin/i);
  });

  it('is refused for another RP ID', async () => {
    const { authenticator, credential } = await registered();
    await expect(assert(authenticator, credential, { rpId: 'evil.example' })).rejects.toThrow(/RP ID/i);
  });

  it('is refused when user verification is required but missing', async () => {
    const { authenticator, credential } = await registered();
    await expect(assert(authenticator, credential, { userVerified: false })).rejects.toThrow(/verif/i);
  });

  it('is refused when the counter goes backwards (a cloned authenticator)', async () => {
    const { authenticator, credential } = await registered();
    const stored = { ...credential, counter: 10 };
    await expect(assert(authenticator, stored)).rejects.toThrow(/counter/i);
  });

  it('is not verified when signed by a different key', async () => {
    const { credential } = await registered();
    const impostor = new SoftwareAuthenticator({ origin: rp.origin, rpId: rp.rpID });
    impostor.signCount = credential.counter; // only the signature should be wrong
    const verification = await assert(impostor, {
      ...credential,
      id: impostor.credentialIdBase64Url,
    });
    expect(verification.verified).toBe(false);
  });
});
