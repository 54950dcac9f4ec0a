import { dictionary } from '@zxcvbn-ts/language-common';

import { AppError } from '@groundwork/core';

/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused. */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_CHARACTERS = 8;

// zxcvbn-ts's list of the most common passwords (≈ 49,000 entries, lowercase).
const COMMON_PASSWORDS = new Set((dictionary as Record<string, string[]>)['passwords-common'] ?? []);

/** How many entries the common-password list holds (an empty list would silently disable the check). */
export const commonPasswordCount = COMMON_PASSWORDS.size;

/**
 * Why a new password is refused, or null. Passwords are taken exactly as
 * typed: no trimming, no case folding (ASVS 6.2.x). The list comparison
 * ignores case only to catch "Password1" along with "password1".
 */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_CHARACTERS) {
    return `Password must be at least ${MIN_PASSWORD_CHARACTERS} characters long`;
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (about ${MAX_PASSWORD_BYTES} letters, fewer with accents or emoji)`;
  }
  if (password.includes('\u0000')) return 'Password must not contain NUL characters';
  if (COMMON_PASSWORDS.has(password) || COMMON_PASSWORDS.has(password.toLowerCase())) {
    return 'This password is too common; choose one that is harder to guess';
  }
  return null;
}

/** @throws AppError INVALID with the reason when the password is not acceptable as a new password */
export function assertAcceptablePassword(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('INVALID', problem, { details: { field } });
}
