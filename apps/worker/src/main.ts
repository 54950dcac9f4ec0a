import { loadConfigOrExit } from '@groundwork/config';
import { createLogger, createShutdown, exitOnSignals, startTracing } from '@groundwork/core';

import { createWorkerRuntime } from './runtime.js';

const config = loadConfigOrExit();
const tracing = await startTracing({ service: 'groundwork-worker', ...config.tracing });
const logger = createLogger({ service: 'worker', ...config.log });

const runtime = createWorkerRuntime({ config, logger });
const shutdown = createShutdown({
  logger,
  timeoutMs: config.shutdown.timeoutMs,
  steps: runtime.closeSteps([{ name: 'tracing', run: () => tracing.shutdown(), timeoutMs: 2_000 }]),
});
exitOnSignals(shutdown, logger);

runtime.listen().then(
  ({ port }) => {
    logger.info({ queues: runtime.running.workers.map((worker) => worker.name), healthPort: port }, 'worker started');
  },
  (err: unknown) => {
    logger.fatal({ err, port: config.worker.healthPort }, 'health server failed');
    void shutdown.run('health server failed').finally(() => process.exit(1));
  },
);
