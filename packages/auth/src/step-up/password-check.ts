import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { LoginThrottle } from '../ports.js';
import type { RequestMeta } from '../sessions/session.js';

/**
 * Checks a signed-in user's password, throttled like a login keyed by user and
 * IP (as changing the password is), so a stolen access token cannot be used
 * to guess it. Returns whether it matched; the caller records and answers.
 */
export function createPasswordCheck(deps: {
  repositories: Pick<Repositories, 'users'>;
  hasher: PasswordHasher;
  loginThrottle: LoginThrottle;
}) {
  return async function passwordMatches(userId: string, password: string, meta: RequestMeta): Promise<boolean> {
    deps.hasher.assertCapacity();
    const attempt = await deps.loginThrottle.beforeAttempt(`user:${userId}`, meta.ip);
    const credentials = await deps.repositories.users.findCredentialsById(userId);
    if (!credentials || !(await deps.hasher.verify(password, credentials.passwordHash, meta.signal))) {
      await deps.loginThrottle.recordFailure(attempt);
      return false;
    }
    await deps.loginThrottle.recordSuccess(attempt);
    return true;
  };
}

export type PasswordCheck = ReturnType<typeof createPasswordCheck>;

export const wrongPassword = () =>
  new AppError('FORBIDDEN', 'Password is incorrect', { details: { field: 'password' } });

export const wrongCode = () =>
  new AppError('FORBIDDEN', 'Authentication code is incorrect or already used', { details: { field: 'code' } });
