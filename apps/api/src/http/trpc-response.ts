const TEXT_PLAIN = 'text/plain;charset=UTF-8';

/** Statuses a Fetch `Response` refuses a body with. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

type ResponseBody = ConstructorParameters<typeof Response>[0];

/**
 * The `Response` tRPC's `resolveResponse` builds its answer with in the production bundle
 * (ADR 044; `scripts/lib/build/trpc-response-plugin.ts` puts it in place of the global one in that
 * module only). Every query and mutation answers with one JSON document as a string: a Fetch
 * `Response` wraps it in a `ReadableStream`, and reading it back out cost more per call than
 * the whole response's headers and socket write. This keeps the string as it is (`bodyText`),
 * with the status, headers and text a Fetch `Response` would give; any other body (the streams of
 * JSONL batches and subscriptions) goes through a real `Response` as before.
 */
export class TrpcResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body when it was given as text, or `null` for none; `undefined` when it is a stream. */
  readonly bodyText: string | null | undefined;
  readonly #stream: ReadableStream<Uint8Array> | null;

  constructor(body?: ResponseBody, init: ResponseInit = {}) {
    if (body !== null && body !== undefined && typeof body !== 'string') {
      const response = new Response(body, init);
      this.status = response.status;
      this.headers = response.headers;
      this.#stream = response.body;
      this.bodyText = undefined;
      return;
    }
    const status = init.status ?? 200;
    // The checks Fetch makes, with its error types: tRPC never trips them, a future caller might.
    if (!Number.isInteger(status) || status < 200 || status > 599)
      throw new RangeError(`Response status ${status} is outside 200-599`);
    if (typeof body === 'string' && NULL_BODY_STATUSES.has(status))
      throw new TypeError(`Response with status ${status} cannot have a body`);
    this.status = status;
    // tRPC hands over its own Headers and never touches them again: no copy needed.
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    if (typeof body === 'string' && !this.headers.has('content-type')) this.headers.set('content-type', TEXT_PLAIN);
    this.bodyText = body ?? null;
    this.#stream = null;
  }

  /** A stream of the body, as a Fetch `Response` has it (the stock adapters read this). */
  get body(): ReadableStream<Uint8Array> | null {
    if (typeof this.bodyText === 'string') return new Response(this.bodyText).body;
    return this.#stream;
  }

  async text(): Promise<string> {
    if (this.bodyText !== undefined) return this.bodyText ?? '';
    return this.#stream ? new Response(this.#stream).text() : '';
  }
}
