import type { Repositories, StoredPasskey } from '@groundwork/db';

import { type PasskeyAssertionResponse, type RelyingParty, userHandleOf } from './relying-party.js';

/**
 * Whether `passkey` signed this response to `expectedChallenge`: the
 * library's verification (origin, RP ID, challenge, signature, user
 * verification, counter), then the conditional UPDATE that moves the stored
 * counter and `last_used_at` (one statement, so of two requests carrying one
 * assertion, or a cloned authenticator behind the original, only one passes).
 */
export function createPasskeyAssertions(deps: {
  repositories: Pick<Repositories, 'passkeys'>;
  relyingParty: RelyingParty;
}) {
  return async function passkeySigned(
    passkey: StoredPasskey,
    response: PasskeyAssertionResponse,
    expectedChallenge: string,
  ): Promise<boolean> {
    // A discoverable credential names its account: it must be the one the stored passkey belongs to.
    const handle = response.response.userHandle;
    if (handle && handle !== userHandleOf(passkey.userId).toString('base64url')) return false;
    const verified = await deps.relyingParty.verifyAssertion(response, expectedChallenge, passkey);
    return verified !== null && (await deps.repositories.passkeys.recordUse({ id: passkey.id, ...verified }));
  };
}

export type PasskeyAssertions = ReturnType<typeof createPasskeyAssertions>;
