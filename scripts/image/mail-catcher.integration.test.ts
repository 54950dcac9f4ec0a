import { buildAccountLink } from '@groundwork/auth';
import { createSmtpTransport, type EmailTransport, renderEmail } from '@groundwork/email';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { deliveredMailLinks } from '../lib/delivered-mail-links.js';
import { type MailCatcher, startMailCatcher } from './mail-catcher.js';

describe("the rehearsal's mail catcher: real SMTP in, the delivered link out to another process", () => {
  let catcher: MailCatcher;
  let transport: EmailTransport;
  beforeAll(async () => {
    catcher = await startMailCatcher({ smtpHost: '127.0.0.1', waitMs: 1_000 });
    transport = createSmtpTransport({ url: `smtp://127.0.0.1:${catcher.smtpPort}`, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    transport.close();
    await catcher.close();
  });

  function sendVerification(to: string, token: string) {
    const verifyUrl = buildAccountLink('https://app.example.test', 'verifyEmail', token);
    const rendered = renderEmail('email-verification', { displayName: 'Ada', verifyUrl, expiresInHours: 24 });
    return transport.send({ from: 'no-reply@example.test', to, messageId: `<${token}@example.test>`, ...rendered });
  }

  test('when the link is asked for before the mail arrives, then the answer waits for it and carries the exact link', async () => {
    const token = `gwl_${'a'.repeat(43)}`;
    const asked = deliveredMailLinks(catcher.inboxUrl).verificationLink('Ada@Example.test');

    await sendVerification('ada@example.test', token);

    await expect(asked).resolves.toBe(`https://app.example.test/verify-email?token=${token}`);
    expect(catcher.delivered.filter((mail) => mail.to.includes('ada@example.test'))).toHaveLength(1);
  });

  test('when no mail reaches the address, then reading its link fails naming the address instead of hanging', async () => {
    await sendVerification('someone-else@example.test', `gwl_${'b'.repeat(43)}`);

    await expect(deliveredMailLinks(catcher.inboxUrl).verificationLink('nobody@example.test')).rejects.toThrow(
      /no e-mail to nobody@example\.test was delivered/,
    );
  });

  test('when the delivered mail carries no verification link, then reading it fails with the text', async () => {
    const rendered = renderEmail('password-reset', {
      displayName: 'Bo',
      resetUrl: buildAccountLink('https://app.example.test', 'resetPassword', `gwl_${'c'.repeat(43)}`),
      expiresInMinutes: 30,
    });
    await transport.send({
      from: 'no-reply@example.test',
      to: 'bo@example.test',
      messageId: '<r@example.test>',
      ...rendered,
    });

    await expect(deliveredMailLinks(catcher.inboxUrl).verificationLink('bo@example.test')).rejects.toThrow(
      /carries no verification link/,
    );
  });
});
