import { describe, expect, test } from 'vitest';

import { atPath, procedurePathOf, underPrefix } from './direct-routes.js';

describe('direct route matching mirrors Express (ADR 040)', () => {
  test.each([
    ['/trpc', true],
    ['/trpc/', true],
    ['/trpc/system.status', true],
    ['/trpc?batch=1', true],
    ['/TRPC/system.status', true],
    ['/trpcx', false],
    ['/trp', false],
    ['/api/trpc/x', false],
    ['/', false],
  ])('underPrefix(%s, /trpc) is %s', (url, expected) => {
    expect(underPrefix(url, '/trpc')).toBe(expected);
  });

  test.each([
    ['/webhooks/stripe', true],
    ['/webhooks/stripe/', true],
    ['/webhooks/stripe?x=1', true],
    ['/webhooks/stripe/?x=1', true],
    ['/Webhooks/Stripe', true],
    ['/webhooks/stripe//', false],
    ['/webhooks/stripe/x', false],
    ['/webhooks/striped', false],
    ['/webhooks', false],
  ])('atPath(%s, /webhooks/stripe) is %s', (url, expected) => {
    expect(atPath(url, '/webhooks/stripe')).toBe(expected);
  });

  test.each([
    ['/trpc/system.status', 'system.status'],
    ['/trpc/system.status?input=%7B%7D', 'system.status'],
    ['/trpc/a,b?batch=1', 'a,b'],
    ['/trpc/x/system.status', 'system.status'],
    ['/trpc/system.status/', ''],
    ['/trpc', ''],
    ['/trpc?batch=1', ''],
  ])('procedurePathOf(%s) is %s', (url, expected) => {
    expect(procedurePathOf(url, '/trpc')).toBe(expected);
  });
});
