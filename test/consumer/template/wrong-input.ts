// Must NOT compile: each call below is wrong, and the consumer test expects tsc to say so.
import { createApiClient, createMemoryTokenStore } from '@groundwork/client';

const client = createApiClient({ url: 'http://localhost:3000', tokenStore: createMemoryTokenStore() });

await client.analytics.dashboard.query({ organizationId: 42 });
await client.billing.createCheckoutSession.mutate({ organizationId: 'org', plan: 'platinum' });
