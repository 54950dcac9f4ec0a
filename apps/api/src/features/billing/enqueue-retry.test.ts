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
});
