import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { htmlPart, listPage, messagePage } from './inbox-pages.js';
import type { MailStore } from './mail-store.js';

// No script anywhere: the pages are plain HTML, and a message's HTML is framed from its own, sandboxed address.
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const HTML_PART_POLICY =
  "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'";

type Answer = { status: number; type: 'text/html' | 'text/plain' | 'application/json'; body: string; policy?: string };

function send(response: ServerResponse, answer: Answer) {
  response.writeHead(answer.status, {
    'Content-Type': `${answer.type}; charset=utf-8`,
    'Content-Security-Policy': answer.policy ?? PAGE_POLICY,
    'X-Content-Type-Options': 'nosniff',
    // The messages carry one-time links: never in a Referer, never cached.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  response.end(answer.body);
}

const text = (status: number, body: string): Answer => ({ status, type: 'text/plain', body });

/**
 * Only the names of this machine: a web page the developer visits cannot read
 * the inbox (and its reset links) by pointing its own host name at 127.0.0.1
 * (DNS rebinding), because its requests carry its host name.
 */
const isLocalHost = (host: string | undefined, port: number) =>
  host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;

function answer(store: MailStore, request: IncomingMessage, port: number): Answer {
  if (!isLocalHost(request.headers.host, port)) return text(403, 'unexpected Host header');
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'read only');
  const path = new URL(request.url ?? '/', 'http://inbox').pathname;
  if (path === '/') return { status: 200, type: 'text/html', body: listPage(store.list()) };
  if (path === '/api/messages') {
    return { status: 200, type: 'application/json', body: JSON.stringify({ messages: store.list() }) };
  }
  const match = /^\/messages\/(\d+)(\/html)?$/.exec(path);
  const message = match?.[1] ? store.find(match[1]) : undefined;
  if (!message) return text(404, 'no such message (the inbox keeps the newest only)');
  if (!match?.[2]) return { status: 200, type: 'text/html', body: messagePage(message) };
  if (message.html === null) return text(404, 'this message has no HTML part');
  return { status: 200, type: 'text/html', body: htmlPart(message.html), policy: HTML_PART_POLICY };
}

/** The inbox's web side on loopback: the list, each message, and `GET /api/messages` (JSON) for scripts and tests. */
export async function startInboxHttp(options: { port: number; store: MailStore }) {
  let port = options.port;
  const server = createServer((request, response) => send(response, answer(options.store, request, port)));
  server.listen(options.port, '127.0.0.1');
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
