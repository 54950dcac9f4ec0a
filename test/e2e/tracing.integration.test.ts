import { InMemorySpanExporter, SimpleSpanProcessor, startTracing } from '@groundwork/core';
import { bullPrefix } from '@groundwork/queue';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { followVerificationLink } from '../../apps/api/src/testing/teams.js';
import { apiClient, buildSignup } from '../../apps/api/src/testing/http.js';
import { type BillingStack, startBillingStack } from '../support/billing-stack.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();

describe('tracing a Stripe event from the webhook through the queue to the Stripe call', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Awaited<ReturnType<typeof startTracing>>;
  let stack: BillingStack;
  beforeAll(async () => {
    // Registered before the stack starts, so its first spans are recorded.
    tracing = await startTracing({
      service: 'groundwork-test',
      enabled: true,
      endpoint: 'http://unused',
      processors: [new SimpleSpanProcessor(exporter)],
    });
    stack = await startBillingStack(database.url);
  });
  afterAll(async () => {
    await stack.close();
    await tracing.shutdown();
  });

  test('when a webhook is received and processed, then one trace spans the webhook, the job and the Stripe call, and the job carries the request id', async () => {
    const { emulator, api, worker } = stack;
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    await followVerificationLink(api.db, client, user.email);
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    // The span ends after the job's work commits, so wait for the job itself, not for the database row.
    const stripeWorker = worker.running.workers.find((candidate) => candidate.name === 'stripe-events');
    const completedIds = new Set<string>();
    const completion = new Map<string, () => void>();
    stripeWorker?.on('completed', (job) => {
      completedIds.add(String(job.id));
      completion.get(String(job.id))?.();
    });
    emulator.completeCheckout(checkout.sessionId);
    await emulator.webhooksSettled();
    // The checkout's event always reads Stripe itself; a subscription or invoice event may be settled by
    // another event's sync without a read of its own (ADR 033).
    const completed = emulator.state.events.find(
      (event) =>
        event.type === 'checkout.session.completed' &&
        emulator.deliveries.some((d) => d.eventId === event.id && d.status === 200),
    );
    const eventId = completed?.id ?? '';
    if (!completedIds.has(eventId)) await new Promise<void>((resolve) => completion.set(eventId, resolve));

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
      prefix: bullPrefix(api.config.redis.keyPrefix, worker.redis.isCluster),
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
