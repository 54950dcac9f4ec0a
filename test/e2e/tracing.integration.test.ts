import { InMemorySpanExporter, SimpleSpanProcessor, startTracing } from '@groundwork/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { apiClient, buildSignup } from '../../apps/api/src/testing/http.js';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import {
  billingTestConfig,
  startStripeEmulator,
  startTestWorker,
  TEST_WEBHOOK_SECRET,
  type TestWorker,
} from '../support/billing-stack.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();

describe('tracing a Stripe event from the webhook through the queue to the Stripe call', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({
    service: 'groundwork-test',
    enabled: true,
    endpoint: 'http://unused',
    processors: [new SimpleSpanProcessor(exporter)],
  });
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let api: TestApi;
  let worker: TestWorker;
  beforeAll(async () => {
    emulator = await startStripeEmulator();
    const config = billingTestConfig(database.url, emulator);
    api = await startTestApi(config);
    worker = await startTestWorker(config);
    emulator.setWebhookTarget({ url: `${api.url}/webhooks/stripe`, secret: TEST_WEBHOOK_SECRET });
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await emulator.close();
    await tracing.shutdown();
  });

  test('when a webhook is received and processed, then one trace spans the webhook, the job and the Stripe call, and the job carries the request id', async () => {
    const { tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    emulator.completeCheckout(checkout.sessionId);
    await emulator.webhooksSettled();
    const created = emulator.state.events.find(
      (event) =>
        event.type === 'customer.subscription.created' &&
        emulator.deliveries.some((d) => d.eventId === event.id && d.status === 200),
    );
    const eventId = created?.id ?? '';
    await worker.eventsSettled([eventId]);

    const spans = exporter.getFinishedSpans();
    const processing = spans.find(
      (span) => span.name === 'stripe.event.process' && span.attributes['stripe.event_id'] === eventId,
    );
    const traceId = processing?.spanContext().traceId;
    const receive = spans.find(
      (span) => span.name === 'stripe.webhook.receive' && span.spanContext().traceId === traceId,
    );
    const stripeCall = spans.find(
      (span) => span.name === 'stripe.subscriptions.list' && span.spanContext().traceId === traceId,
    );
    expect(processing).toBeDefined();
    expect(receive).toBeDefined();
    expect(stripeCall?.parentSpanContext?.spanId).toBe(processing?.spanContext().spanId);
    expect(processing?.attributes['request.id']).toBe(receive?.attributes['request.id']);

    const queue = new Queue('stripe-events', {
      connection: worker.redis,
      prefix: `${api.config.redis.keyPrefix}:bull`,
    });
    const job = await queue.getJob(eventId);
    await queue.close();
    expect(job?.data).toMatchObject({
      eventId,
      requestId: expect.any(String) as string,
      trace: { traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-/) as string },
    });
  });
});
