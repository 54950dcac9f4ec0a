/**
 * The load generator, run as its own process (pinned to its own CPU by the
 * runner) so it never competes with the server it measures. Reads one
 * `LoadSpec` as JSON from argv[2] and prints one `LoadResult` as JSON.
 */
import { createHmac, randomUUID } from 'node:crypto';

import autocannon from 'autocannon';

export type LoadSpec = {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Each request a distinct `customer.subscription.updated` event, signed before the clock starts. */
  stripeEvents?: { secret: string; count: number };
  /** Each request a failing login for a fresh e-mail from one of `addresses` client IPs (X-Forwarded-For). */
  loginFlood?: { addresses: number };
  /** Requests per second over all connections (open loop); unlimited when absent. */
  overallRate?: number;
};

export type LoadResult = {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU seconds this generator used (so the runner can tell its own load from other processes'). */
  cpuSeconds: number;
};

/** A signed Stripe event, as Stripe would send it (`t=…,v1=HMAC-SHA256(secret, "t.payload")`). */
function signedEvent(secret: string, timestamp: number) {
  const id = `evt_bench_${randomUUID().replaceAll('-', '')}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    type: 'customer.subscription.updated',
    api_version: '2026-10-28.endive',
    created: timestamp,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: { id: `sub_bench_${id.slice(10, 24)}`, object: 'subscription', customer: 'cus_bench', status: 'active' },
    },
  });
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return { body: payload, signature: `t=${timestamp},v1=${signature}` };
}

async function main(spec: LoadSpec): Promise<LoadResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const events = spec.stripeEvents
    ? Array.from({ length: spec.stripeEvents.count }, () => signedEvent(spec.stripeEvents?.secret ?? '', timestamp))
    : [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const flood = spec.loginFlood;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
    ...(flood
      ? {
          requests: [
            {
              setupRequest(request: autocannon.Request) {
                next += 1;
                const address = `10.77.${Math.floor((next % flood.addresses) / 250)}.${(next % flood.addresses) % 250}`;
                return {
                  ...request,
                  method: 'POST',
                  body: JSON.stringify({ email: `flood-${randomUUID()}@bench.test`, password: 'not-the-password-1' }),
                  headers: { ...request.headers, 'content-type': 'application/json', 'x-forwarded-for': address },
                };
              },
            },
          ],
        }
      : {}),
    ...(events.length > 0
      ? {
          requests: [
            {
              setupRequest(request: autocannon.Request) {
                const event = events[next % events.length];
                next += 1;
                return {
                  ...request,
                  method: 'POST',
                  body: event?.body ?? '',
                  headers: {
                    ...request.headers,
                    'content-type': 'application/json',
                    'stripe-signature': event?.signature ?? '',
                  },
                };
              },
            },
          ],
        }
      : {}),
  });
  return {
    requestsPerSecond: Math.round(result.requests.total / spec.durationSeconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuSeconds: (() => {
      const used = process.cpuUsage(cpuBefore);
      return (used.user + used.system) / 1e6;
    })(),
  };
}

process.stdout.write(`${JSON.stringify(await main(JSON.parse(process.argv[2] ?? '{}') as LoadSpec))}\n`);
