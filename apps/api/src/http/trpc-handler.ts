import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import { type AnyRouter, TRPCError } from '@trpc/server';
import { internal_exceptionHandler } from '@trpc/server/adapters/node-http';
import { type HTTPErrorHandler, resolveResponse, type ResponseMetaFn, type TRPCRequestInfo } from '@trpc/server/http';

import { clientGoneSignal } from './client-gone.js';
import { TrpcResponse } from './trpc-response.js';

/**
 * The part of a Fetch `Request` that tRPC's `resolveResponse` reads (method, URL, headers, body,
 * signal), read straight from the Node request. The stock adapters copy every header into a
 * `Headers`, build a `Request` and a body stream for each call; that was a tenth of the hot
 * path's CPU (ADR 040). tRPC documents `resolveResponse` as the function to build adapters on.
 */
class NodeRequestView {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null; has(name: string): boolean };
  readonly signal: AbortSignal;

  constructor(
    private readonly req: IncomingMessage,
    res: ServerResponse,
    private readonly maxBodySize: number,
  ) {
    // Only the path and query matter to tRPC (it reads searchParams); the origin is never used.
    this.url = `http://localhost${req.url ?? '/'}`;
    this.method = req.method ?? 'GET';
    const incoming = req.headers;
    this.headers = {
      get(name) {
        const value = incoming[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
      has: (name) => incoming[name.toLowerCase()] !== undefined,
    };
    this.signal = clientGoneSignal(res);
  }

  /**
   * The body as text, refused past the configured size as the stock adapter refuses it (the rest
   * is left unread, so the 413 can still be sent). A leading BOM is dropped, as `Request.text()` does.
   */
  text(): Promise<string> {
    const { req, maxBodySize } = this;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (outcome: () => void) => {
        req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
        outcome();
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodySize) settle(() => reject(new TRPCError({ code: 'PAYLOAD_TOO_LARGE' })));
        else chunks.push(chunk);
      };
      const onEnd = () =>
        settle(() =>
          resolve(
            Buffer.concat(chunks, size)
              .toString('utf8')
              .replace(/^\uFEFF/, ''),
          ),
        );
      const onError = (err: Error) => settle(() => reject(err));
      const onClose = () => settle(() => reject(new TRPCError({ code: 'CLIENT_CLOSED_REQUEST' })));
      req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    });
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

async function writeResponse(
  response: Response | TrpcResponse,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  if (res.statusCode === 200) res.statusCode = response.status;
  for (const [key, value] of response.headers) {
    if (key !== 'set-cookie') res.setHeader(key, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response instanceof TrpcResponse && response.bodyText !== undefined) {
    // The production bundle (ADR 044): the JSON document as tRPC wrote it, never wrapped in a stream.
    res.end(response.bodyText ?? undefined);
    return;
  }
  if (!response.body) {
    res.end();
    return;
  }
  // A JSONL batch is `application/json` too, but chunked: it must go out as its results come.
  if (response.headers.get('content-type') === 'application/json' && !response.headers.has('transfer-encoding')) {
    // Every query and mutation unbundled: one JSON document, already a string inside the Response.
    res.end(await response.text());
    return;
  }
  // Streams (JSONL batches, server-sent events) are piped as they come.
  const stream = Readable.fromWeb(response.body, { signal });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** `TReq`/`TRes`: the request and response as the steps before left them (here, with Express's prototypes). */
export type TrpcHandlerOptions<TContext, TReq extends IncomingMessage, TRes extends ServerResponse> = {
  router: AnyRouter;
  createContext: (opts: { req: TReq; res: TRes; info: TRPCRequestInfo }) => Promise<TContext>;
  maxBodySize: number;
  maxBatchSize: number;
  responseMeta: ResponseMetaFn<AnyRouter>;
  onError: HTTPErrorHandler<AnyRouter, IncomingMessage>;
};

/**
 * Answers one tRPC HTTP call (the last path segment names the procedure, as in the stock adapter)
 * with tRPC's own `resolveResponse`: batching, method checks, errors and their shapes, status
 * codes and response meta are tRPC's. The promise never rejects.
 */
export function createTrpcHandler<TContext, TReq extends IncomingMessage, TRes extends ServerResponse>(
  options: TrpcHandlerOptions<TContext, TReq, TRes>,
) {
  const { router } = options;
  return async function handleTrpc(req: TReq, res: TRes, path: string): Promise<void> {
    try {
      const request = new NodeRequestView(req, res, options.maxBodySize);
      // A Fetch `Response` unbundled (development, tests); a `TrpcResponse` in the production bundle (ADR 044).
      const response: Response | TrpcResponse = await resolveResponse({
        router,
        req: request as unknown as Request,
        path,
        error: null,
        maxBatchSize: options.maxBatchSize,
        allowMethodOverride: false,
        responseMeta: options.responseMeta,
        createContext: ({ info }) => options.createContext({ req, res, info }),
        onError: (failure) => options.onError({ ...failure, req }),
      });
      await writeResponse(response, res, request.signal);
    } catch (cause) {
      internal_exceptionHandler({ req, res, path, router, onError: options.onError })(cause);
    }
  };
}
