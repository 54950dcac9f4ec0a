import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { nativeSpreadPlugin } from '../../../../scripts/lib/build/native-spread-plugin.js';
import { trpcResponsePlugin } from '../../../../scripts/lib/build/trpc-response-plugin.js';
import { useTempTrees } from '../../../../test/support/temp-tree.js';
import * as asSource from '../testing/trpc-fixture.js';

type Fixture = typeof asSource;

/** The fixture bundled as `npm run build` bundles the API: tRPC inlined, with the same plugins. */
async function bundleFixture(): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, '../testing/trpc-fixture.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    plugins: [nativeSpreadPlugin(), trpcResponsePlugin()],
    logLevel: 'silent',
    // Third-party CommonJS inlined into an ES module still calls require(), as in scripts/build.ts.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return result.outputFiles.map((file) => file.text).join('');
}

/** Status, headers (without the date) and body of one exchange. */
async function exchange(port: number, path: string, init: { method?: string; body?: string; accept?: string } = {}) {
  const req = request({
    port,
    path,
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.accept ? { 'trpc-accept': init.accept } : {}),
    },
  });
  req.end(init.body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of res) body += String(chunk);
  const { date: _date, ...headers } = res.headers;
  return { status: res.statusCode, headers, body };
}

async function listen(listener: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

describe('the production bundle of tRPC answers exactly as tRPC as published (ADR 044)', () => {
  const writeTree = useTempTrees('gw-trpc-bundle-');
  let bundled: Fixture;
  let bundledCode = '';
  const servers: Server[] = [];
  let sourcePort = 0;
  let bundlePort = 0;

  beforeAll(async () => {
    bundledCode = await bundleFixture();
    const root = await writeTree({});
    await writeFile(join(root, 'fixture.mjs'), bundledCode);
    bundled = (await import(pathToFileURL(join(root, 'fixture.mjs')).href)) as Fixture;
    const source = await listen(asSource.fixtureListener());
    const bundle = await listen(bundled.fixtureListener());
    servers.push(source.server, bundle.server);
    sourcePort = source.port;
    bundlePort = bundle.port;
  }, 60_000);

  afterAll(() => {
    for (const server of servers) server.close();
  });

  const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
  test.each<[string, string, Parameters<typeof exchange>[2]]>([
    ['a query', `/trpc/echo?input=${input({ text: 'hi' })}`, {}],
    ['a mutation', '/trpc/add', { method: 'POST', body: JSON.stringify({ a: 1, b: 2 }) }],
    ['a batch with a refusal in it', `/trpc/echo,refuse?batch=1&input=${input({ 0: { text: 'x' } })}`, {}],
    ['invalid input', `/trpc/echo?input=${input({ text: 'far too long a text' })}`, {}],
    ['a typed refusal', '/trpc/refuse', {}],
    ['an internal error', '/trpc/crash', {}],
    ['a procedure that does not exist', '/trpc/nowhere', {}],
    ['a query called with POST', '/trpc/echo', { method: 'POST', body: '{}' }],
    ['malformed JSON', '/trpc/add', { method: 'POST', body: '{"a":' }],
    ['a body over the limit', '/trpc/add', { method: 'POST', body: JSON.stringify({ a: 1, pad: 'x'.repeat(2048) }) }],
    ['HEAD', '/trpc/echo', { method: 'HEAD' }],
    ['cookies from response meta', '/trpc/withCookie', {}],
    [
      'a streamed (JSONL) batch',
      `/trpc/echo,echo?batch=1&input=${input({ 0: { text: 'a' }, 1: { text: 'b' } })}`,
      {
        accept: 'application/jsonl',
      },
    ],
  ])('when asked %s, then the bundle answers byte for byte as tRPC as published', async (_name, path, init) => {
    const expected = await exchange(sourcePort, path, init);
    expect(await exchange(bundlePort, path, init)).toEqual(expected);
  });

  test.each(['source', 'bundle'] as const)(
    'when a JSONL batch has a slow call (%s), then the results ready before it are sent before it ends',
    async (build) => {
      const fixture = build === 'source' ? asSource : bundled;
      const path = `/trpc/echo,held?batch=1&input=${input({ 0: { text: 'early' } })}`;
      const req = request({
        port: build === 'source' ? sourcePort : bundlePort,
        path,
        headers: { 'trpc-accept': 'application/jsonl' },
      });
      req.end();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      let received = '';
      for await (const chunk of res) {
        received += String(chunk);
        // The echo's result arrived while `held` still waits: only then may it answer.
        if (received.includes('"early"') && !received.includes('released')) fixture.holding.released.settle();
      }
      expect(received).toContain('"early"');
      expect(received).toContain('released');
    },
  );

  test('when bundled, then resolveResponse answers with text for the fast path, and no AbortSignal.any is left', async () => {
    expect(await bundled.answersWithText()).toBe(true);
    expect(await asSource.answersWithText()).toBe(false);
    expect(bundledCode).not.toContain('AbortSignal.any(');
  });

  test("when a client leaves mid-call, then the procedure's signal aborts through the combined signals", async () => {
    // A connection of its own: the request must reach the server before the client goes.
    const req = request({ port: bundlePort, path: '/trpc/waitForClientToLeave', agent: false });
    req.on('error', () => undefined);
    req.end();
    await bundled.leaving.started.happened;
    req.destroy();
    await bundled.leaving.left.happened;
  });
});
