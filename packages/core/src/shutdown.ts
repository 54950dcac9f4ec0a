import type { Logger } from 'pino';

import { withTimeout } from './with-timeout.js';

export type ShutdownStep = {
  name: string;
  run: () => Promise<unknown>;
  /** At most this long; by default the step may use whatever is left of the overall budget. */
  timeoutMs?: number;
};

export type Shutdown = {
  /** Runs every step once, in order; later calls return the same promise. */
  run: (reason: string) => Promise<void>;
  readonly started: boolean;
};

/**
 * Ordered, bounded shutdown: each step gets the time left of `timeoutMs`, a
 * failing step is logged and the next still runs, so one stuck dependency
 * cannot keep the others open.
 */
export function createShutdown(options: { logger: Logger; timeoutMs: number; steps: ShutdownStep[] }): Shutdown {
  let running: Promise<void> | null = null;

  async function runSteps(reason: string): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    options.logger.info({ reason }, 'shutdown started');
    for (const step of options.steps) {
      const remaining = Math.min(Math.max(deadline - Date.now(), 1), step.timeoutMs ?? Infinity);
      try {
        await withTimeout(step.run(), remaining, `shutdown step "${step.name}"`);
      } catch (err) {
        options.logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    options.logger.info('shutdown complete');
  }

  return {
    run(reason) {
      running ??= runSteps(reason);
      return running;
    },
    get started() {
      return running !== null;
    },
  };
}

/**
 * Wires SIGTERM/SIGINT and fatal process errors to a shutdown, then exits.
 * A second signal while shutting down exits at once (an impatient operator's Ctrl-C).
 */
export function exitOnSignals(shutdown: Shutdown, logger: Logger): void {
  const exitAfter = (reason: string, code: number) => {
    if (shutdown.started) {
      logger.warn({ reason }, 'second signal during shutdown: exiting now');
      process.exit(code || 130);
    }
    void shutdown.run(reason).finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => exitAfter('SIGTERM', 0));
  process.on('SIGINT', () => exitAfter('SIGINT', 0));
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled promise rejection');
    exitAfter('unhandledRejection', 1);
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    exitAfter('uncaughtException', 1);
  });
}
