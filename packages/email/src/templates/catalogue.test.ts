import { describe, expect, test } from 'vitest';

import { emailTemplates, isEmailTemplateName, renderEmail } from './catalogue.js';

describe('e-mail templates', () => {
  test('when data carries markup, then the HTML body shows it as text and never as markup', () => {
    const rendered = renderEmail('invitation', {
      organizationName: '<script>alert(1)</script>',
      inviterName: 'Eve "the" <b>bold</b>',
      role: 'admin',
      acceptUrl: 'https://app.example.test/invitations/accept?token=a&b=<c>',
      expiresInDays: 7,
    });

    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).not.toContain('<b>bold</b>');
    expect(rendered.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(rendered.html).toContain('href="https://app.example.test/invitations/accept?token=a&amp;b=&lt;c&gt;"');
    expect(rendered.subject).toBe('Eve "the" <b>bold</b> invited you to <script>alert(1)</script>');
    expect(rendered.text).toContain('Accept the invitation: https://app.example.test/invitations/accept?token=a&b=<c>');
  });

  test.each(['javascript:alert(1)', 'data:text/html,hi', '/relative/path', 'ftp://example.test/x'])(
    'when a link is %s, then the data is refused',
    (url) => {
      expect(() =>
        renderEmail('email-verification', { displayName: 'Ada', verifyUrl: url, expiresInHours: 24 }),
      ).toThrow();
    },
  );

  test('when a template is rendered, then its text and HTML bodies carry the same link and expiry', () => {
    const rendered = renderEmail('email-verification', {
      displayName: 'Ada',
      verifyUrl: 'https://app.example.test/verify#token=t0k3n',
      expiresInHours: 24,
    });

    for (const body of [rendered.text, rendered.html]) {
      expect(body).toContain('https://app.example.test/verify#token=t0k3n');
      expect(body).toContain('24 hours');
    }
  });

  test('when a name is not a template, then it is told apart from the catalogue', () => {
    expect(Object.keys(emailTemplates).every(isEmailTemplateName)).toBe(true);
    expect(isEmailTemplateName('toString')).toBe(false);
    expect(isEmailTemplateName('welcome')).toBe(false);
  });
});

describe('e-mail change notices', () => {
  test('when the old address is told of a change, then the notice carries no link, only the hint and what to do', () => {
    const rendered = renderEmail('email-change-notice', {
      displayName: 'Ada',
      newAddressHint: 'n…@example.test',
      stage: 'requested',
    });

    for (const body of [rendered.text, rendered.html]) {
      expect(body).toContain('n…@example.test');
      expect(body).toContain('reset your password');
      expect(body).not.toMatch(/https?:\/\//);
    }
    expect(rendered.html).not.toContain('<a ');
  });
});
