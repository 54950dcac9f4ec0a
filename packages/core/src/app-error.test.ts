import { describe, expect, test } from 'vitest';

import { AppError } from './app-error.js';

describe('AppError', () => {
  test('when created with an expected code, then it is operational and keeps cause and details', () => {
    const cause = new Error('row missing');
    const error = new AppError('NOT_FOUND', 'Invoice 1 not found', { cause, details: { resource: 'invoice' } });

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'NOT_FOUND', isOperational: true, details: { resource: 'invoice' } });
    expect(error.cause).toBe(cause);
  });

  test('when created as INTERNAL, then it is not operational unless said otherwise', () => {
    expect(new AppError('INTERNAL', 'bug').isOperational).toBe(false);
    expect(new AppError('CONFLICT', 'taken', { isOperational: false }).isOperational).toBe(false);
  });
});
