import { setTimeout as delay } from 'node:timers/promises';

import { runLoad } from './load.js';
import { mainThreadCpuSeconds, processCpuSeconds } from './machine.js';
import { measureRound, type Placement, type Timing } from './measure.js';
import type { Product } from './product.js';
import type { BenchServer } from './servers.js';

/** bcrypt at cost 12 takes about 250 ms of one core (STACK-NOTES): the pinned server hashes ≈ 4 per second. */
const HASHES_PER_SECOND_ON_ONE_CORE = 4;
const FLOOD_FACTOR = 10;

async function legitimateLogin(product: Product) {
  const started = performance.now();
  const response = await fetch(`${product.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.200' },
    body: JSON.stringify(product.account),
    signal: AbortSignal.timeout(30_000),
  }).catch((error: unknown) => error as Error);
  const ms = Math.round(performance.now() - started);
  if (response instanceof Error) return { ms, outcome: `failed: ${response.message}` };
  const retryAfter = response.headers.get('retry-after');
  return { ms, outcome: `${response.status}${retryAfter ? `, Retry-After ${retryAfter} s` : ''}` };
}

/**
 * The gated call's p99 before and during a flood of failing logins (fresh
 * e-mails, many client addresses, each below every limit) at ten times what
 * the server can hash, on the same server; and one legitimate login sent in
 * the middle of the flood.
 */
export async function runLoginFlood(options: {
  product: Product;
  startProduct: () => Promise<BenchServer>;
  placement: Placement;
  timing: Timing;
  connections: number;
  organizationId: string;
}): Promise<string> {
  const { product, placement, timing } = options;
  const server = await options.startProduct();
  try {
    const input = encodeURIComponent(JSON.stringify({ organizationId: options.organizationId }));
    const spec = {
      url: `${product.url}/trpc/analytics.limits?input=${input}`,
      connections: options.connections,
      headers: { authorization: `Bearer ${await product.accessToken()}` },
    };
    const idle = await measureRound(server, spec, { placement, timing });
    const rate = HASHES_PER_SECOND_ON_ONE_CORE * FLOOD_FACTOR;
    const floodSeconds = timing.warmupSeconds + timing.durationSeconds + 1;
    const pid = server.child.pid ?? 0;
    const cpuBefore = { all: processCpuSeconds(pid), main: mainThreadCpuSeconds(pid) };
    const flood = runLoad(
      {
        url: `${product.url}/trpc/auth.login`,
        connections: rate,
        overallRate: rate,
        durationSeconds: floodSeconds,
        loginFlood: { addresses: 1_000 },
      },
      { cpu: placement.load, pin: placement.pinned },
    );
    const during = measureRound(server, spec, { placement, timing: { ...timing, quietWaitMs: 0 } });
    await delay((timing.warmupSeconds + timing.durationSeconds / 2) * 1000);
    const login = await legitimateLogin(product);
    const [flooded, floodResult] = await Promise.all([during, flood]);
    const eventLoopSeconds = mainThreadCpuSeconds(pid) - cpuBefore.main;
    const otherThreadsSeconds = processCpuSeconds(pid) - cpuBefore.all - eventLoopSeconds;
    const factor = flooded.p99 / Math.max(idle.p99, 1);
    return [
      `Login flood: ${rate} failing logins/s (${FLOOD_FACTOR}× the ≈ ${HASHES_PER_SECOND_ON_ONE_CORE} hashes/s one core does at cost 12), ` +
        `${floodResult.requestsPerSecond} answered/s`,
      '| gated call | req/s | p50 ms | p99 ms |',
      '|---|--:|--:|--:|',
      `| before the flood | ${idle.requestsPerSecond} | ${idle.p50} | ${idle.p99} |`,
      `| during the flood | ${flooded.requestsPerSecond} | ${flooded.p50} | ${flooded.p99} |`,
      `p99 during ÷ before: ${factor.toFixed(2)}× (goal ≤ 2×: ${factor <= 2 ? 'met' : 'MISSED'}); ` +
        `a legitimate login during the flood: ${login.ms} ms, ${login.outcome} ` +
        `(goal: within 2 s or told when to retry: ${login.ms <= 2_000 ? 'met' : 'MISSED'})`,
      // Steadier than latency on a shared machine: how the server's CPU was split while the flood ran.
      `Server CPU during the flood: event loop ${eventLoopSeconds.toFixed(1)} s, other threads (hashing) ` +
        `${otherThreadsSeconds.toFixed(1)} s, over ${floodSeconds} s.`,
    ].join('\n');
  } finally {
    await server.stop();
  }
}
