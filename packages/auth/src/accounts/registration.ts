import type { PublicUser, Repositories, UnitOfWork } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { assertAcceptablePassword } from '../passwords/password-policy.js';
import type { RequestMeta } from '../sessions/session.js';

export type SignupInput = { email: string; password: string; displayName: string };

type Created = Awaited<ReturnType<Repositories['users']['insertWithPersonalOrganization']>>;

/** A step that must commit or roll back with the new account (e.g. recording its verification e-mail). */
export type WithNewAccount<T> = (repositories: Repositories, created: Created) => Promise<T>;

/**
 * More work that must commit with the new account or not at all (joining an
 * organization through an invitation), run last in the signup transaction. It
 * answers whether it left the address verified (an invitation's link proves
 * it), so signup knows without reading the account again.
 */
export type WithinSignup = (
  repositories: Repositories,
  created: { user: PublicUser },
) => Promise<{ emailVerifiedAt: Date | null }>;

/**
 * Account creation, the first half of signup: the password policy, the
 * user with their personal organization, and the audit record. The seed
 * script creates its accounts here too, so no account skips the policy.
 */
export function createRegistration(deps: { uow: UnitOfWork; hasher: Pick<PasswordHasher, 'hash'> }) {
  return {
    /**
     * @param within more work for the same transaction (see {@link WithinSignup})
     * @throws AppError INVALID when the password fails the policy, CONFLICT when the e-mail is taken
     */
    async register<T = undefined>(
      input: SignupInput,
      meta: RequestMeta,
      withNewAccount?: WithNewAccount<T>,
    ): Promise<Created & { extra: T | undefined }> {
      assertAcceptablePassword(input.password);
      // Hashed before the transaction opens: no connection waits on bcrypt.
      const passwordHash = await deps.hasher.hash(input.password, meta.signal);
      return deps.uow.transaction(async (repositories) => {
        const created = await repositories.users.insertWithPersonalOrganization({
          email: input.email,
          passwordHash,
          displayName: input.displayName,
          organizationName: `${input.displayName}'s workspace`.slice(0, 100),
        });
        await auditTrail(repositories.audit)('signup', meta, {
          userId: created.user.id,
          organizationId: created.organizationId,
        });
        const extra = withNewAccount ? await withNewAccount(repositories, created) : undefined;
        return { ...created, extra };
      });
    },
  };
}

export type Registration = ReturnType<typeof createRegistration>;
