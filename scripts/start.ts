/**
 * `npm start` (after `npm run build`): API and worker as in production, from
 * the built bundles with plain `node`, no reload, no embedded services, in one
 * terminal. Deployments run them as separate processes or containers
 * (`npm run start:api`, `npm run start:worker`).
 *
 * Runs as `dist/start.js`: the bundles it starts sit beside it.
 */
import { fileURLToPath } from 'node:url';

import { loadConfigOrExit, readEnv } from '@groundwork/config';

import { apiArgv } from './lib/build/entries.js';
import { startProcess, superviseUntilStopped } from './lib/supervise.js';

const env = { ...readEnv() };
loadConfigOrExit(env); // fail here, once, rather than twice from the children

const bundle = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));
const processes = [
  startProcess('api', apiArgv(bundle('api')), env),
  startProcess('worker', [process.execPath, bundle('worker')], env),
];
process.exit(await superviseUntilStopped(processes, { stopTimeoutMs: 20_000, cleanup: () => Promise.resolve() }));
