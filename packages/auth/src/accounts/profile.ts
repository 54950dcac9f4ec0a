import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { SESSION_ENDED, type Session } from '../sessions/session.js';

/** The signed-in user and the organizations they belong to. */
export function createProfile(deps: { repositories: Pick<Repositories, 'users' | 'organizations'> }) {
  const { users, organizations } = deps.repositories;
  return async function me(session: Session) {
    const user = await users.findById(session.userId);
    if (!user) throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
    return { user, memberships: await organizations.listForUser(session.userId) };
  };
}
