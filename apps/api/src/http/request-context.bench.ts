/**
 * `npx tsx apps/api/src/http/request-context.bench.ts`: the per-request cost of the
 * request logger, pino-http as it was configured (before ADR 018) against
 * `requestContext`, interleaved in one process on the same fake requests
 * (no sockets), so a loaded machine slows both alike. Prints µs of CPU per
 * request for each, net of making the fake request and response (measured
 * with a middleware that does nothing), per round, and the median ratio.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';

import { createLogger } from '@groundwork/core';

import { requestContext, requestIdFor } from './request-context.js';

const REQUESTS = 20_000;
const ROUNDS = 5;

const sink = new Writable({
  write(_chunk, _encoding, callback) {
    callback();
  },
});
const logger = createLogger({ service: 'api', level: 'info' }, sink);

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
// Loaded untyped: its types augment IncomingMessage differently from `requestContext`'s.
const { pinoHttp } = createRequire(import.meta.url)('pino-http') as { pinoHttp: (options: object) => Middleware };

/** pino-http with the options `requestContext` had before it replaced it. */
const before = pinoHttp({
  logger,
  genReqId(req: IncomingMessage, res: ServerResponse) {
    const id = requestIdFor(req);
    res.setHeader('x-request-id', id);
    return id;
  },
  customProps: (req: IncomingMessage) => ({ reqId: req.id }),
  autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/ready' },
  customLogLevel(_req: IncomingMessage, res: ServerResponse, err: unknown) {
    if (err || res.statusCode >= 500) return 'error';
    return res.statusCode >= 400 ? 'warn' : 'info';
  },
  serializers: {
    req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?', 1)[0] }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  },
});
const after = requestContext(logger);

function cpuMicrosPerRequest(middleware: Middleware): number {
  const started = process.cpuUsage();
  for (let index = 0; index < REQUESTS; index += 1) {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = `/trpc/analytics.limits?input=${index}`;
    const res = new ServerResponse(req);
    middleware(req, res, () => undefined);
    res.statusCode = 200;
    // What a sent response emits; the loggers listen for these.
    Object.defineProperty(res, 'writableFinished', { value: true });
    Object.defineProperty(res, 'writableEnded', { value: true });
    res.emit('finish');
    res.emit('close');
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / REQUESTS;
}

const nothing: Middleware = (_req, _res, next) => next();
// Warm all up before measuring.
for (const middleware of [nothing, before, after]) cpuMicrosPerRequest(middleware);
const ratios: number[] = [];
for (let round = 1; round <= ROUNDS; round += 1) {
  const base = cpuMicrosPerRequest(nothing);
  const old = cpuMicrosPerRequest(before) - base;
  const lean = cpuMicrosPerRequest(after) - base;
  ratios.push(lean / old);
  console.log(`round ${round}: pino-http ${old.toFixed(1)} µs, requestContext ${lean.toFixed(1)} µs per request`);
}
ratios.sort((a, b) => a - b);
console.log(`median requestContext ÷ pino-http: ${(ratios[Math.floor(ROUNDS / 2)] ?? 0).toFixed(2)}`);
