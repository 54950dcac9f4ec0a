import type { JobsOptions, WorkerOptions } from 'bullmq';
import type { z } from 'zod';

/**
 * The contract of one queue, shared by its producers (API) and its worker:
 * the name, what a job carries, and how failures are retried and kept.
 */
export type QueueDefinition<TName extends string = string, TPayload extends z.ZodType = z.ZodType> = {
  readonly name: TName;
  readonly payload: TPayload;
  readonly defaultJobOptions: JobsOptions;
  /** How the worker detects a job whose worker died (see {@link BASE_STALL_OPTIONS}). */
  readonly stall: StallOptions;
};

export type StallOptions = Required<Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>>;

/**
 * Stall detection tuned for short jobs (ADR 012). A live worker renews a
 * job's lock every `lockDuration / 2`; a SIGKILLed one stops, so its lock
 * expires within `lockDuration` and the next check (every `stalledInterval`,
 * on every worker) moves the job back to waiting: resumed elsewhere within
 * about lockDuration + 2 × stalledInterval = 9 s, not BullMQ's 30 s + 30 s.
 * A lock lost to an event loop blocked past 5 s only re-runs the job, which
 * every handler tolerates (idempotent). A job stalled more than
 * `maxStalledCount` times (it keeps killing workers) fails for good.
 */
export const BASE_STALL_OPTIONS = {
  lockDuration: 5_000,
  stalledInterval: 2_000,
  maxStalledCount: 3,
} as const satisfies StallOptions;

/** Defaults every queue shares unless its definition says otherwise. */
export const BASE_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  // Failed jobs stay for a week so an operator can inspect and re-drive them.
  removeOnFail: { count: 10_000, age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;

export function defineQueue<TName extends string, TPayload extends z.ZodType>(definition: {
  name: TName;
  payload: TPayload;
  defaultJobOptions?: JobsOptions;
  stall?: Partial<StallOptions>;
}): QueueDefinition<TName, TPayload> {
  if (definition.name.includes(':')) throw new Error(`Queue name "${definition.name}" must not contain ":"`);
  return Object.freeze({
    name: definition.name,
    payload: definition.payload,
    defaultJobOptions: { ...BASE_JOB_OPTIONS, ...definition.defaultJobOptions },
    stall: { ...BASE_STALL_OPTIONS, ...definition.stall },
  });
}
