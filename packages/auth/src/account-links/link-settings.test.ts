import { describe, expect, test } from 'vitest';

import { buildAccountLink } from './link-settings.js';

const token = 'gwl_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE';

describe('buildAccountLink', () => {
  test.each([
    ['verifyEmail', 'https://app.example.com/verify-email'],
    ['resetPassword', 'https://app.example.com/reset-password'],
    ['acceptInvitation', 'https://app.example.com/accept-invitation'],
  ] as const)(
    'when the %s link is built, then it opens %s with the token as the token query parameter',
    (page, path) => {
      const link = new URL(buildAccountLink('https://app.example.com', page, token));

      expect(`${link.origin}${link.pathname}`).toBe(path);
      expect(link.searchParams.get('token')).toBe(token);
      expect(link.hash).toBe('');
    },
  );

  test('when the app lives under a path with a trailing slash and a query, then both are kept and no slash doubles', () => {
    const link = buildAccountLink('https://example.com/app/?ref=mail#x', 'resetPassword', token);

    expect(link).toBe(`https://example.com/app/reset-password?ref=mail&token=${token}`);
  });

  test('when the token holds characters a URL reserves, then they are encoded and read back unchanged', () => {
    const link = new URL(buildAccountLink('https://app.example.com', 'verifyEmail', 'a&b=c d#e'));

    expect(link.searchParams.get('token')).toBe('a&b=c d#e');
  });
});
