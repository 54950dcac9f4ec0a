import type { Stack } from './stack.js';

/**
 * A fault and its recovery. `inject` does the damage with a real signal and
 * resolves once the component is back (restarted and answering); `whenWritten`
 * names an API whose next written request triggers it (killed mid-delivery),
 * otherwise it is triggered by a count of accepted deliveries.
 */
export type Fault = {
  name: string;
  whenWritten?: string;
  inject: (stack: Stack) => Promise<void>;
};

export const FAULTS: Fault[] = [
  {
    name: 'worker SIGKILL, then restart',
    async inject(stack) {
      const [worker] = stack.workers;
      if (!worker) throw new Error('no worker');
      await worker.kill();
      await worker.start();
    },
  },
  {
    name: 'Redis SIGKILL and restart with its data (append-only file)',
    inject: (stack) => stack.redis.restart({ keepData: true }),
  },
  {
    name: 'Redis SIGKILL and restart empty (data lost)',
    inject: (stack) => stack.redis.restart({ keepData: false }),
  },
  {
    name: 'PostgreSQL crash (immediate shutdown) and restart',
    inject: (stack) => stack.postgres.restart(),
  },
  {
    name: 'API SIGKILL mid-delivery, then restart',
    whenWritten: 'api-b',
    async inject(stack) {
      const api = stack.apis.find((candidate) => candidate.name === 'api-b');
      if (!api) throw new Error('no api-b');
      await api.kill();
      await api.start();
    },
  },
];
