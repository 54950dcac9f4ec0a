/**
 * `npm start`: API and worker as in production (no reload, no embedded
 * services), in one terminal. In real deployments run them as separate
 * processes or containers (`npm run start:api`, `npm run start:worker`).
 */
import { loadConfigOrExit, readEnv } from '@groundwork/config';

import { startProcess, superviseUntilStopped } from './lib/supervise.js';

const env = { ...readEnv() };
loadConfigOrExit(env); // fail here, once, rather than twice from the children

const node = process.execPath;
const processes = [
  startProcess('api', [node, '--import', 'tsx', 'apps/api/src/main.ts'], env),
  startProcess('worker', [node, '--import', 'tsx', 'apps/worker/src/main.ts'], env),
];
process.exit(await superviseUntilStopped(processes, { stopTimeoutMs: 20_000, cleanup: () => Promise.resolve() }));
