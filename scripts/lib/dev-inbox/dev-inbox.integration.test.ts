import { request } from 'node:http';

import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, test } from 'vitest';

import { type DevInbox, startDevInbox } from './index.js';
import type { StoredMail } from './mail-store.js';

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A GET over a plain socket, so the test can send the Host header a rebinding page would. */
function get(url: string, options: { host?: string; method?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers = options.host ? { host: options.host } : {};
    const call = request(target, { method: options.method ?? 'GET', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    call.on('error', reject);
    call.end();
  });
}

async function messages(inbox: DevInbox): Promise<StoredMail[]> {
  return (JSON.parse((await get(`${inbox.url}/api/messages`)).body) as { messages: StoredMail[] }).messages;
}

async function send(inbox: DevInbox, mail: { to: string; subject: string; text: string; html?: string }) {
  const transport = createTransport({ url: inbox.smtpUrl });
  try {
    await transport.sendMail({ from: 'Groundwork <no-reply@localhost>', ...mail });
  } finally {
    transport.close();
  }
}

const LINK = 'https://app.example.test/verify-email?token=gwv_abc&lang=en';

describe('the dev inbox of npm run dev', () => {
  let inbox: DevInbox | undefined;
  const start = async (limit?: number) => {
    inbox = await startDevInbox({ smtpPort: 0, httpPort: 0, ...(limit ? { limit } : {}) });
    return inbox;
  };
  afterEach(async () => {
    await inbox?.stop();
    inbox = undefined;
  });

  test('when a message with a token link arrives over SMTP, then the list, the message page and the JSON API show it with the link clickable', async () => {
    const inbox = await start();
    await send(inbox, {
      to: 'ada@example.test',
      subject: 'Verify your e-mail address',
      text: `Hello Ada,\n\nVerify: ${LINK}\n`,
      html: `<html><head><title>x</title></head><body><a href="${LINK.replace('&', '&amp;')}">Verify</a></body></html>`,
    });

    const [message] = await messages(inbox);
    expect(message).toMatchObject({ to: 'ada@example.test', subject: 'Verify your e-mail address', links: [LINK] });
    const list = await get(`${inbox.url}/`);
    expect(list.body).toContain(`<a href="/messages/${message?.id}">Verify your e-mail address</a>`);
    const page = await get(`${inbox.url}/messages/${message?.id}`);
    expect(page.body).toContain(`<a href="${LINK.replace('&', '&amp;')}" target="_blank" rel="noreferrer noopener">`);
    expect(page.body).toContain(
      `<iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/messages/${message?.id}/html">`,
    );
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none';/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  test('when the HTML part is fetched, then it is served sandboxed without scripts, its links opening in a new tab', async () => {
    const inbox = await start();
    await send(inbox, {
      to: 'bo@example.test',
      subject: 'HTML',
      text: 'see HTML',
      html: '<html><head></head><body><script>parent.document.title="owned"</script><a href="https://x.test">x</a></body></html>',
    });
    const [message] = await messages(inbox);

    const part = await get(`${inbox.url}/messages/${message?.id}/html`);

    const policy = String(part.headers['content-security-policy']);
    expect(policy).toMatch(/^sandbox allow-popups allow-popups-to-escape-sandbox;/);
    expect(policy).not.toContain('allow-scripts');
    expect(policy).not.toContain('allow-same-origin');
    expect(policy).toContain("default-src 'none'");
    expect(part.body).toContain('<head><base target="_blank"></head>');
  });

  test('when a message carries markup in its subject, addresses and text, then every page shows it as text, and only http(s) links are made clickable', async () => {
    const inbox = await start();
    await send(inbox, {
      to: '"<b>Eve</b>" <eve@example.test>',
      subject: '<script>alert(1)</script>',
      text: '<img src=x onerror=alert(1)> javascript:alert(1) "quoted"',
    });
    const [message] = await messages(inbox);

    const list = (await get(`${inbox.url}/`)).body;
    const page = (await get(`${inbox.url}/messages/${message?.id}`)).body;

    for (const body of [list, page]) {
      expect(body).not.toContain('<script>alert');
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(body).not.toContain('<b>Eve</b>');
    }
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('href="javascript');
    expect(page).toContain('&quot;quoted&quot;');
  });

  test('when more messages arrive than the inbox keeps, then only the newest remain, newest first', async () => {
    const inbox = await start(2);
    for (const subject of ['first', 'second', 'third'])
      await send(inbox, { to: 'cy@example.test', subject, text: subject });

    const kept = await messages(inbox);

    expect(kept.map((message) => message.subject)).toEqual(['third', 'second']);
    expect((await get(`${inbox.url}/messages/1`)).status).toBe(404);
  });

  test('when a request names a host other than this machine (DNS rebinding) or tries to change something, then it is refused', async () => {
    const inbox = await start();
    await send(inbox, { to: 'dee@example.test', subject: 'reset', text: LINK });
    const { port } = new URL(inbox.url);

    const rebound = await get(`${inbox.url}/api/messages`, { host: `attacker.example:${port}` });
    const post = await get(`${inbox.url}/api/messages`, { method: 'POST' });

    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('dee@example.test');
    expect(post.status).toBe(405);
    expect((await get(`${inbox.url}/api/messages`, { host: `localhost:${port}` })).status).toBe(200);
    expect(new URL(inbox.smtpUrl).hostname).toBe('127.0.0.1');
  });
});
