import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';

/**
 * The contract of one queue, shared by its producers (API) and its worker:
 * the name, what a job carries, and how failures are retried and kept.
 */
export type QueueDefinition<TName extends string = string, TPayload extends z.ZodType = z.ZodType> = {
  readonly name: TName;
  readonly payload: TPayload;
  readonly defaultJobOptions: JobsOptions;
};

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
}): QueueDefinition<TName, TPayload> {
  if (definition.name.includes(':')) throw new Error(`Queue name "${definition.name}" must not contain ":"`);
  return Object.freeze({
    name: definition.name,
    payload: definition.payload,
    defaultJobOptions: { ...BASE_JOB_OPTIONS, ...definition.defaultJobOptions },
  });
}
