/**
 * `npm run image:rehearse`: proves the Dockerfile and docker-compose.yml produce
 * a stack that works, the way production runs it (ADR 008). With a Docker daemon
 * it runs `docker build` and `docker compose up`; without one (CI here) it builds
 * the image natively, instruction by instruction, and starts compose's services
 * from it. Either way: migrations, /ready on API and worker, the billing journey,
 * the health check and a graceful stop. Prints which way it went and its figures.
 *
 *   --native   rehearse natively even where a daemon runs
 *   --keep     keep the rehearsed image's folder for inspection
 */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';

import { readEnv } from '@groundwork/config';

import { hostNetworkEnv, hostNpmCache } from './image/network-env.js';
import { nodeBinDir, productionNodeVersion } from './image/node-runtime.js';
import { rehearseWithDocker } from './image/rehearse-docker.js';
import { rehearseNatively } from './image/rehearse-native.js';

const { values } = parseArgs({
  options: { native: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
});
const log = (line: string) => console.log(`[image] ${line}`);
const env = readEnv();

const daemon =
  !values.native &&
  (await promisify(execFile)('docker', ['info']).then(
    () => true,
    () => false,
  ));
const version = await productionNodeVersion();
const nodeBin = await nodeBinDir(version);
log(
  `${daemon ? 'Docker daemon found: real docker build and docker compose up' : 'no Docker daemon: rehearsing the Dockerfile natively'}; Node ${version}`,
);
try {
  const figures = daemon
    ? await rehearseWithDocker({ nodeBin, keep: values.keep, log })
    : await rehearseNatively({
        nodeBin,
        networkEnv: await hostNetworkEnv(env),
        npmCache: await hostNpmCache(),
        keep: values.keep,
        log,
      });
  log(`passed (${daemon ? 'docker' : 'native rehearsal'}): ${JSON.stringify(figures)}`);
} catch (error) {
  console.error(`[image] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
