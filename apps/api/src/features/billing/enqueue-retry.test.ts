import { EventEmitter } from 'node:events';

import { createLogger } from '@groundwork/core';
import type { Redis } from 'ioredis';
import { describe, expect, test, vi } from 'vitest';

import { createEnqueueRetry } from './enqueue-retry.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('createEnqueueRetry', () => {
  test('when an enqueue fails while Redis is away, then the event is queued again as soon as Redis is ready', async () => {
    // Arrange
    const redis = new EventEmitter();
    const enqueue = vi
      .fn<(eventId: string, meta: { requestId?: string }) => Promise<unknown>>()
      .mockRejectedValueOnce(new Error('redis is not connected'))
      .mockResolvedValue('evt_1');
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger });

    // Act
    await expect(retry.enqueue('evt_1', { requestId: 'req-1' })).rejects.toThrow('redis is not connected');
    const pendingWhileDown = retry.pendingCount();
    redis.emit('ready');
    await vi.waitFor(() => expect(retry.pendingCount()).toBe(0));

    // Assert
    expect(pendingWhileDown).toBe(1);
    expect(enqueue).toHaveBeenLastCalledWith('evt_1', { requestId: 'req-1' });
    expect(enqueue).toHaveBeenCalledTimes(2);
  });

  test('when queueing again fails too, then the event stays pending for the next reconnect', async () => {
    const redis = new EventEmitter();
    const enqueue = vi.fn<(eventId: string, meta: object) => Promise<unknown>>().mockRejectedValue(new Error('down'));
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger });

    await expect(retry.enqueue('evt_2', {})).rejects.toThrow('down');
    redis.emit('ready');
    await vi.waitFor(() => expect(enqueue).toHaveBeenCalledTimes(2));

    expect(retry.pendingCount()).toBe(1);
  });

  test('when an enqueue times out while Redis stays connected, then the event is queued again on a timer, without a reconnect', async () => {
    const redis = new EventEmitter();
    let queuedAgain: (eventId: string) => void = () => undefined;
    const retried = new Promise<string>((resolve) => (queuedAgain = resolve));
    const enqueue = vi
      .fn<(eventId: string, meta: object) => Promise<unknown>>()
      .mockRejectedValueOnce(new Error('Command timed out'))
      .mockRejectedValueOnce(new Error('Command timed out'))
      .mockImplementation((eventId) => {
        queuedAgain(eventId);
        return Promise.resolve(eventId);
      });
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger, retryDelayMs: 5 });

    await expect(retry.enqueue('evt_3', {})).rejects.toThrow('Command timed out');

    await expect(retried).resolves.toBe('evt_3');
    await vi.waitFor(() => expect(retry.pendingCount()).toBe(0));
    expect(enqueue).toHaveBeenCalledTimes(3);
    retry.stop();
  });

  test('when the retry is stopped, then no timer queues anything later', async () => {
    vi.useFakeTimers();
    const redis = new EventEmitter();
    const enqueue = vi.fn<(eventId: string, meta: object) => Promise<unknown>>().mockRejectedValueOnce(new Error('x'));
    const retry = createEnqueueRetry({ enqueue, redis: redis as unknown as Redis, logger, retryDelayMs: 1 });

    await expect(retry.enqueue('evt_4', {})).rejects.toThrow('x');
    retry.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    vi.useRealTimers();

    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(retry.pendingCount()).toBe(1);
  });
});
