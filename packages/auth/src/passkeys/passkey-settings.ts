import { AppError } from '@groundwork/core';
import type { ListedPasskey, RefreshTokenRepository, UnitOfWork } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import { endOtherSessions } from '../sessions/end-other-sessions.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { RequestMeta, Session } from '../sessions/session.js';
import type { PasskeyChallenges } from './passkey-challenges.js';
import type { PasskeyRegistrationOptions, PasskeyRegistrationResponse, RelyingParty } from './relying-party.js';

export type RegisterPasskeyInput = {
  response: PasskeyRegistrationResponse;
  name?: string | undefined;
  endOtherSessions?: boolean | undefined;
};

const DEFAULT_NAME = 'Passkey';

const notFound = () => new AppError('NOT_FOUND', 'No such passkey');

/**
 * A user's passkeys: registration (options whose challenge is bound to this
 * session, then the authenticator's answer, verified and stored), listing,
 * renaming and removal. Registering may end the user's other sessions; every
 * change is audited.
 */
export function createPasskeySettings(deps: {
  uow: UnitOfWork;
  relyingParty: RelyingParty;
  challenges: PasskeyChallenges;
  sessions: Pick<SessionEnder, 'endOne'>;
}) {
  const { users, passkeys } = deps.uow.repositories;
  const refreshTokens: Pick<RefreshTokenRepository, 'listActiveSessions'> = deps.uow.repositories.refreshTokens;
  const record = auditTrail(deps.uow.repositories.audit);

  return {
    async registrationOptions(session: Session): Promise<PasskeyRegistrationOptions> {
      const user = await users.findById(session.userId);
      if (!user) throw new AppError('NOT_FOUND', 'User not found');
      const options = await deps.relyingParty.registrationOptions({
        id: user.id,
        name: user.email,
        displayName: user.displayName,
        existing: await passkeys.listCredentialsOf(user.id),
      });
      await deps.challenges.save('register', session.sessionId, { challenge: options.challenge, binding: null });
      return options;
    },

    /**
     * @throws AppError INVALID when the response does not answer this session's live
     *   challenge or fails verification; CONFLICT when the passkey is already registered
     */
    async register(
      session: Session,
      input: RegisterPasskeyInput,
      meta: RequestMeta,
    ): Promise<{ passkey: ListedPasskey; endedSessions: number }> {
      const stored = await deps.challenges.spend('register', session.sessionId);
      const verified = stored && (await deps.relyingParty.verifyRegistration(input.response, stored.challenge));
      if (!verified) {
        await record('passkey.failed', meta, { userId: session.userId, metadata: { during: 'register' } });
        throw new AppError(
          'INVALID',
          'The passkey could not be verified, or its challenge expired or was used: ask for new options',
          { details: { field: 'response' } },
        );
      }
      const passkey = await passkeys.insert({ userId: session.userId, name: input.name ?? DEFAULT_NAME, ...verified });
      const endedSessions = input.endOtherSessions
        ? await endOtherSessions({ refreshTokens, sessions: deps.sessions }, session)
        : 0;
      await record('passkey.registered', meta, {
        userId: session.userId,
        metadata: { passkeyId: passkey.id, endedSessions },
      });
      return { passkey, endedSessions };
    },

    list: (session: Session): Promise<ListedPasskey[]> => passkeys.listOf(session.userId),

    async rename(session: Session, input: { passkeyId: string; name: string }, meta: RequestMeta): Promise<void> {
      if (!(await passkeys.rename(session.userId, input.passkeyId, input.name))) throw notFound();
      await record('passkey.renamed', meta, { userId: session.userId, metadata: { passkeyId: input.passkeyId } });
    },

    /** @throws AppError NOT_FOUND for an unknown passkey or another user's */
    async remove(session: Session, input: { passkeyId: string }, meta: RequestMeta): Promise<void> {
      if (!(await passkeys.remove(session.userId, input.passkeyId))) throw notFound();
      await record('passkey.removed', meta, { userId: session.userId, metadata: { passkeyId: input.passkeyId } });
    },
  };
}

export type PasskeySettingsService = ReturnType<typeof createPasskeySettings>;
