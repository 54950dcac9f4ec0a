import { once } from 'node:events';
import { createServer } from 'node:net';
import { connect, type Socket } from 'node:net';

import type { ParsedMail } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, test } from 'vitest';

import { createMailbox, type SmtpReceiver, startSmtpReceiver } from './index.js';

async function send(url: string, mail: { to: string; subject: string; text: string; bcc?: string }) {
  const transport = createTransport({ url });
  try {
    return await transport.sendMail({ from: 'Groundwork <no-reply@localhost>', ...mail });
  } finally {
    transport.close();
  }
}

/** Reads SMTP replies line by line from a raw socket, so a test can stop a client mid-transaction. */
function smtpDialogue(socket: Socket) {
  let buffered = '';
  const waiting: ((line: string) => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      // Multi-line replies ("250-...") end with "250 ...": only the last line answers.
      if (/^\d{3} /.test(line)) waiting.shift()?.(line);
    }
  });
  const reply = () => new Promise<string>((resolve) => waiting.push(resolve));
  return {
    reply,
    async say(command: string) {
      const answered = reply();
      socket.write(`${command}\r\n`);
      return answered;
    },
  };
}

describe('the SMTP receiver the dev inbox, the rehearsal catcher and the tests share', () => {
  let receiver: SmtpReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  test('when a message arrives, then it is handed over parsed, with the envelope recipients Bcc leaves out of the headers', async () => {
    const mailbox = createMailbox<{ mail: ParsedMail; envelopeTo: string[] }>();
    receiver = await startSmtpReceiver({ onMail: (received) => mailbox.add(received) });

    await send(receiver.url, { to: 'ada@example.test', bcc: 'Grace@Example.test', subject: 'Hello', text: 'Hi Ada' });

    const [received] = mailbox.mails;
    expect(received?.mail.subject).toBe('Hello');
    expect(received?.mail.text).toContain('Hi Ada');
    expect(received?.envelopeTo).toEqual(['ada@example.test', 'grace@example.test']);
  });

  test('when a message is larger than the limit, then it is refused with 552 and not handed over', async () => {
    const mailbox = createMailbox<unknown>();
    receiver = await startSmtpReceiver({ maxMessageBytes: 1024, onMail: (received) => mailbox.add(received) });

    const sending = send(receiver.url, { to: 'ada@example.test', subject: 'Big', text: 'x'.repeat(4096) });

    await expect(sending).rejects.toMatchObject({ responseCode: 552 });
    expect(mailbox.mails).toHaveLength(0);
  });

  test('when the port is taken, then starting rejects instead of hanging', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    try {
      await expect(startSmtpReceiver({ port, onMail: () => undefined })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      holder.close();
    }
  });

  test('when a client drops its connection mid-message, then the error is logged and the next message is still received', async () => {
    const logged: string[] = [];
    const mailbox = createMailbox<unknown>();
    receiver = await startSmtpReceiver({
      onMail: (received) => mailbox.add(received),
      log: (line) => logged.push(line),
    });
    const socket = connect(receiver.port, '127.0.0.1');
    const dialogue = smtpDialogue(socket);
    await dialogue.reply();
    await dialogue.say('EHLO client.test');
    await dialogue.say('MAIL FROM:<no-reply@localhost>');
    const closed = once(socket, 'close');

    socket.resetAndDestroy();
    await closed;
    await send(receiver.url, { to: 'ada@example.test', subject: 'After', text: 'still here' });

    expect(logged.length).toBeGreaterThan(0);
    expect(mailbox.mails).toHaveLength(1);
  });
});
