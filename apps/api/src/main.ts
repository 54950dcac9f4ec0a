// First, so the heap policy holds before the modules below allocate (ADR 039).
import './heap-growth.js';

import { loadConfigOrExit } from '@groundwork/config';
import { createLogger, createShutdown, exitOnSignals, startTracing } from '@groundwork/core';

import { createApiRuntime } from './runtime.js';
import { listen } from './server.js';
import { readVersion } from './version.js';

const config = loadConfigOrExit();
const tracing = await startTracing({ service: 'groundwork-api', ...config.tracing });
const logger = createLogger({ service: 'api', ...config.log });
const runtime = createApiRuntime({ config, logger, version: readVersion() });
// Subscribing waits for Redis; the API serves meanwhile (entitlements then only expire by TTL).
void runtime.services.start().catch((err: unknown) => logger.error({ err }, 'could not start background services'));

const server = await listen(runtime.app, config.http).catch((err: unknown) => {
  logger.fatal({ err, port: config.http.port }, 'could not listen');
  process.exit(1);
});
logger.info({ port: server.port, env: config.env }, 'api listening');

const shutdown = createShutdown({
  logger,
  timeoutMs: config.shutdown.timeoutMs,
  steps: [
    {
      name: 'http',
      run: () => {
        runtime.startDraining();
        // Most of the budget goes to in-flight requests; the rest closes the pools.
        return server.close(Math.floor(config.shutdown.timeoutMs * 0.8));
      },
    },
    ...runtime.closeSteps(),
    { name: 'tracing', run: () => tracing.shutdown(), timeoutMs: 2_000 },
  ],
});
exitOnSignals(shutdown, logger);
