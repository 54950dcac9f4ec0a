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

/** Milliseconds since the epoch; injected so tests move time instead of waiting. */
export type Clock = { now(): number };

/**
 * Guessing protection for second-factor codes (TOTP, recovery codes), kept by
 * the process with its other rate limits. `beforeAttempt` throws RATE_LIMITED
 * when the user or the IP has no guesses left, and counts this one.
 */
export type SecondFactorThrottle = {
  beforeAttempt(userId: string, ip: string): Promise<void>;
  /** After a correct code: the user's count starts over. */
  recordSuccess(userId: string): Promise<void>;
};
