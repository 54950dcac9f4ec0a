/** Prints `.env.production.example` filled in as its comments say (for `docker compose config` in CI). */
import { fillProductionEnv, readProductionExample } from './production-env.js';

const env = fillProductionEnv(await readProductionExample());
console.log(
  Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n'),
);
