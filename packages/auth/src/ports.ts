/**
 * The per-instance cache of each user's `tokens_valid_after` (logout-all,
 * password change), kept by the process that serves requests: the domain asks
 * it and tells it of a change, and the process decides how instances learn.
 */
export type TokensValidAfter = {
  /** True when the token was issued before the user voided their tokens. */
  isVoided(userId: string, issuedAtSeconds: number): Promise<boolean>;
  /** Call after `tokens_valid_after` moved in the database. */
  announce(userId: string): Promise<void>;
};

/** A counted login attempt, opaque to the domain. */
export type ThrottledAttempt = unknown;

/**
 * Brute-force protection for password checks (login, change password), kept
 * by the process with its other rate limits. `beforeAttempt` throws
 * RATE_LIMITED when the key or IP is locked out, and counts the attempt.
 */
export type LoginThrottle = {
  beforeAttempt(key: string, ip: string): Promise<ThrottledAttempt>;
  /** After a wrong password: the lockout it caused, if any. */
  recordFailure(attempt: ThrottledAttempt): Promise<{ lockedForSeconds: number } | null>;
  /** After a correct password. */
  recordSuccess(attempt: ThrottledAttempt): Promise<void>;
};

/**
 * Hands an organization's recorded deletion to the worker (a job on the
 * billing queue, whose id dedupes). A failure only delays it: the sweeper
 * queues every unfinished deletion again.
 */
export type OrganizationDeletionJobs = {
  enqueue(deletionId: string): Promise<unknown>;
};
