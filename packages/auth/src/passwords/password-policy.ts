import { AppError } from '@groundwork/core';

import { isCommonPassword } from './common-passwords.js';

export { commonPasswordCount } from './common-passwords.js';

/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused. */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_CHARACTERS = 8;

/**
 * Why a new password is refused, or null. Passwords are taken exactly as
 * typed: no trimming, no case folding (ASVS 6.2.x). Only the breached-password
 * check looks at normalised forms, so `Password1!` and `p@ssw0rd` are refused
 * like `password` (ASVS 6.2.12).
 */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_CHARACTERS) {
    return `Password must be at least ${MIN_PASSWORD_CHARACTERS} characters long`;
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (about ${MAX_PASSWORD_BYTES} letters, fewer with accents or emoji)`;
  }
  if (password.includes('\u0000')) return 'Password must not contain NUL characters';
  if (isCommonPassword(password)) {
    return 'This password is too common: it is a known breached password, perhaps with digits or symbols added or letters swapped for look-alikes; choose one that is harder to guess';
  }
  return null;
}

/** @throws AppError INVALID with the reason when the password is not acceptable as a new password */
export function assertAcceptablePassword(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('INVALID', problem, { details: { field } });
}
