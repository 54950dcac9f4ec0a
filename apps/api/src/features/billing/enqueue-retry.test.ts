import { EventEmitter } from 'node:events';

import { createLogger } from '@groundwork/core';
import type { Redis } from 'ioredis';
import { describe, expect, test, vi } from 'vitest';

import { createEnqueueRetry, type EnqueueEntry } from './enqueue-retry.js';

const logger = createLogger({ service: 'test', level: 'silent' });

type Meta = { requestId?: string };
const entry = (eventId: string, meta: Meta = {}): EnqueueEntry<Meta> => ({ eventId, meta });

describe('createEnqueueRetry', () => {
  test('when an enqueue fails while Redis is away, then its events are queued again as soon as Redis is ready', async () => {
    // Arrange
    const redis = new EventEmitter();
    const enqueue = vi
      .fn<(entries: EnqueueEntry<Meta>[]) => Promise<unknown>>()
      .mockRejectedValueOnce(new Error('redis is not connected'))
      .mockResolvedValue(undefined);
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger });

    // Act
    await expect(retry.enqueue([entry('evt_1', { requestId: 'req-1' }), entry('evt_1b')])).rejects.toThrow(
      'redis is not connected',
    );
    const pendingWhileDown = retry.pendingCount();
    redis.emit('ready');
    await vi.waitFor(() => expect(retry.pendingCount()).toBe(0));

    // Assert
    expect(pendingWhileDown).toBe(2);
    expect(enqueue).toHaveBeenLastCalledWith([entry('evt_1', { requestId: 'req-1' }), entry('evt_1b')]);
    expect(enqueue).toHaveBeenCalledTimes(2);
  });

  test('when queueing again fails too, then the events stay pending for the next reconnect', async () => {
    const redis = new EventEmitter();
    const enqueue = vi.fn<(entries: EnqueueEntry<Meta>[]) => Promise<unknown>>().mockRejectedValue(new Error('down'));
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger });

    await expect(retry.enqueue([entry('evt_2')])).rejects.toThrow('down');
    redis.emit('ready');
    await vi.waitFor(() => expect(enqueue).toHaveBeenCalledTimes(2));

    expect(retry.pendingCount()).toBe(1);
  });

  test('when an enqueue times out while Redis stays connected, then its events are queued again on a timer, without a reconnect', async () => {
    const redis = new EventEmitter();
    let queuedAgain: (eventIds: string[]) => void = () => undefined;
    const retried = new Promise<string[]>((resolve) => (queuedAgain = resolve));
    const enqueue = vi
      .fn<(entries: EnqueueEntry<Meta>[]) => Promise<unknown>>()
      .mockRejectedValueOnce(new Error('Command timed out'))
      .mockRejectedValueOnce(new Error('Command timed out'))
      .mockImplementation((entries) => {
        queuedAgain(entries.map((queued) => queued.eventId));
        return Promise.resolve();
      });
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger, retryDelayMs: 5 });

    await expect(retry.enqueue([entry('evt_3')])).rejects.toThrow('Command timed out');

    await expect(retried).resolves.toEqual(['evt_3']);
    await vi.waitFor(() => expect(retry.pendingCount()).toBe(0));
    expect(enqueue).toHaveBeenCalledTimes(3);
    retry.stop();
  });

  test('when more events are pending than one round carries, then they are queued in several batches of at most 500', async () => {
    const redis = new EventEmitter();
    const sizes: number[] = [];
    const enqueue = vi
      .fn<(entries: EnqueueEntry<Meta>[]) => Promise<unknown>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockImplementation((entries) => {
        sizes.push(entries.length);
        return Promise.resolve();
      });
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger });
    const many = Array.from({ length: 1_100 }, (_, index) => entry(`evt_many_${index}`));

    await expect(retry.enqueue(many)).rejects.toThrow('down');
    redis.emit('ready');
    await vi.waitFor(() => expect(retry.pendingCount()).toBe(0));

    expect(sizes).toEqual([500, 500, 100]);
  });

  test('when the retry is stopped, then no timer queues anything later', async () => {
    vi.useFakeTimers();
    const redis = new EventEmitter();
    const enqueue = vi.fn<(entries: EnqueueEntry<Meta>[]) => Promise<unknown>>().mockRejectedValueOnce(new Error('x'));
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger, retryDelayMs: 1 });

    await expect(retry.enqueue([entry('evt_4')])).rejects.toThrow('x');
    retry.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    vi.useRealTimers();

    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(retry.pendingCount()).toBe(1);
  });
});
