import { runLoad } from './load.js';
import { type Placement, type Timing } from './measure.js';
import type { Product } from './product.js';
import { processCpuSeconds } from './machine.js';
import type { BenchServer } from './servers.js';

/** Distinct signed events; more than the route can take in a run, so none repeats. */
const EVENTS_PER_SECOND_CEILING = 8_000;

/** The signed events a load generator sends to the webhook route for `seconds` (bench/run.ts, pair, profile). */
export function webhookEvents(secret: string, seconds: number): { secret: string; count: number } {
  return { secret, count: Math.ceil(EVENTS_PER_SECOND_CEILING * seconds) };
}

/**
 * `POST /webhooks/stripe` with distinct pre-signed `customer.subscription.updated`
 * events over keep-alive connections: each one verified, inserted and queued.
 */
export async function runWebhook(options: {
  product: Product;
  startProduct: () => Promise<BenchServer>;
  placement: Placement;
  timing: Timing;
  connections: number;
}): Promise<string> {
  const { product, placement, timing } = options;
  const server = await options.startProduct();
  try {
    const at = { cpu: placement.load, pin: placement.pinned };
    const spec = { url: `${product.url}/webhooks/stripe`, connections: options.connections };
    const events = (seconds: number) => webhookEvents(product.webhookSecret, seconds);
    if (timing.warmupSeconds > 0) {
      await runLoad({ ...spec, durationSeconds: timing.warmupSeconds, stripeEvents: events(timing.warmupSeconds) }, at);
    }
    const pid = server.child.pid ?? 0;
    const before = processCpuSeconds(pid);
    const result = await runLoad(
      { ...spec, durationSeconds: timing.durationSeconds, stripeEvents: events(timing.durationSeconds) },
      at,
    );
    const cpuMsPerEvent =
      ((processCpuSeconds(pid) - before) * 1000) / Math.max(1, result.requestsPerSecond * timing.durationSeconds);
    return [
      'Webhook route: distinct signed `customer.subscription.updated` events, one insert and one enqueue each',
      '| events/s | p50 ms | p99 ms | server CPU ms per event | non-2xx |',
      '|--:|--:|--:|--:|--:|',
      `| ${result.requestsPerSecond} | ${result.p50} | ${result.p99} | ${cpuMsPerEvent.toFixed(2)} | ${result.non2xx + result.errors} |`,
    ].join('\n');
  } finally {
    await server.stop();
  }
}
