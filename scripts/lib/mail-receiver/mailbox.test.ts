import { describe, expect, test } from 'vitest';

import { createMailbox } from './mailbox.js';

describe('the mailbox', () => {
  test('when more messages arrive than it keeps, then the oldest go and the rest stay in arrival order', () => {
    const mailbox = createMailbox<number>({ limit: 2 });

    [1, 2, 3].forEach((mail) => mailbox.add(mail));

    expect(mailbox.mails).toEqual([2, 3]);
  });

  test('when a reader waits for a message that arrives later, then it resolves on its arrival', async () => {
    const mailbox = createMailbox<string>();
    const waiting = mailbox.waitFor(() => mailbox.mails.find((mail) => mail.startsWith('b')));

    mailbox.add('a');
    mailbox.add('b1');

    await expect(waiting).resolves.toBe('b1');
  });

  test('when nothing matching arrives within the time given, then the wait resolves with null', async () => {
    const mailbox = createMailbox<string>();

    const found = await mailbox.waitFor(() => mailbox.mails.find((mail) => mail === 'never'), 20);

    expect(found).toBeNull();
  });
});
