/** What a tRPC call over HTTP answered: the data, or the error's code (UNAUTHORIZED, PAYMENT_REQUIRED, …). */
export type CallResult<T> = { ok: true; data: T } | { ok: false; code: string; status: number };

type ErrorBody = { error?: { data?: { code?: string } } };

/**
 * One tRPC procedure over plain HTTP (no transformer, no batching), as any
 * client of the public API calls it: the suite depends on the HTTP surface
 * only, never on the apps' modules.
 */
export async function callProcedure<T>(
  baseUrl: string,
  path: string,
  init: { input?: unknown; token?: string; mutation?: boolean },
): Promise<CallResult<T>> {
  const headers: Record<string, string> = init.token ? { authorization: `Bearer ${init.token}` } : {};
  const query =
    init.mutation || init.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(init.input))}`;
  const response = await fetch(`${baseUrl}/trpc/${path}${query}`, {
    method: init.mutation ? 'POST' : 'GET',
    headers: init.mutation ? { ...headers, 'content-type': 'application/json' } : headers,
    ...(init.mutation ? { body: JSON.stringify(init.input ?? null) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { result?: { data: T } } & ErrorBody;
  if (response.ok && body.result) return { ok: true, data: body.result.data };
  return { ok: false, code: body.error?.data?.code ?? `HTTP_${response.status}`, status: response.status };
}

/** The data of a call that must succeed. */
export async function requireData<T>(
  baseUrl: string,
  path: string,
  init: { input?: unknown; token?: string; mutation?: boolean },
): Promise<T> {
  const result = await callProcedure<T>(baseUrl, path, init);
  if (!result.ok) throw new Error(`${path} on ${baseUrl} failed: ${result.code} (${result.status})`);
  return result.data;
}
