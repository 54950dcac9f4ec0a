import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { buildContext } from './build-context.js';
import { readComposeFile, serviceOf } from './compose-file.js';
import { parseDockerfile } from './dockerfile.js';
import { checkImageContents } from './image-checks.js';
import { buildNatively, type RehearsedImage } from './native-build.js';
import { exitOf, readyWithin, type Started, startProcess, stopGracefully } from './processes.js';
import { runJourney } from './journey.js';
import { startProductionServices } from './production-services.js';
import { freePort } from './services.js';

export type NativeRehearsalOptions = {
  nodeBin: string;
  networkEnv: Record<string, string>;
  /** This machine's npm cache: content-addressed, so the build's `npm ci` can share it safely. */
  npmCache: string;
  keep: boolean;
  log: (line: string) => void;
};

/** The image's user, by the uid the official node images give it, when we may switch users. */
function imageUser(image: RehearsedImage): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0 || image.user === 'root') return {};
  if (image.user !== 'node') throw new Error(`USER ${image.user}: the rehearsal knows only "node" (uid 1000)`);
  return { uid: 1000, gid: 1000 };
}

/**
 * The Dockerfile built on this machine (context as Docker would send it, every
 * instruction run in order), its contents checked, then the compose stack's
 * migrate, api and worker started from the result in production mode, the way
 * compose would run them, against this machine's PostgreSQL and Redis, an
 * https Stripe emulator and an SMTP server; then the whole billing journey
 * (its verification link read from the delivered mail), the health check and a
 * graceful stop.
 */
export async function rehearseNatively(options: NativeRehearsalOptions): Promise<Record<string, number>> {
  const { log } = options;
  const figures: Record<string, number> = {};
  const work = await mkdtemp(join(tmpdir(), 'gw-image-'));
  await chmod(work, 0o755); // the image's unprivileged user must reach its files
  const cleanups: (() => Promise<unknown>)[] = [];
  const running: Started[] = [];
  try {
    let at = performance.now();
    const context = join(work, 'context');
    const files = await buildContext('.', context);
    log(`build context: ${files.length} files (.dockerignore applied)`);
    const dockerfile = parseDockerfile(await readFile(join(context, 'Dockerfile'), 'utf8'));
    const image = await buildNatively({
      dockerfile,
      context,
      workDir: work,
      nodeBinDir: options.nodeBin,
      cacheFor: (target) =>
        target.endsWith('/.npm')
          ? options.npmCache
          : resolve('node_modules/.cache/groundwork/image-build', target.replace(/[^\w.-]+/g, '_')),
      networkEnv: options.networkEnv,
      log,
    });
    figures.buildSeconds = Math.round((performance.now() - at) / 100) / 10;
    const app = join(image.root, image.workdir);
    const problems = await checkImageContents(app);
    if (problems.length > 0) throw new Error(`the image holds what it must not:\n  ${problems.join('\n  ')}`);
    log(
      `image contents checked: manifests, dist/ and production dependencies only (built in ${figures.buildSeconds} s)`,
    );

    const services = await startProductionServices({ name: 'gw-rehearsal' });
    cleanups.push(services.close);
    const { production, database, stripe, apiPort } = services;
    const workerPort = await freePort();

    // Compose's own expressions give each service its environment; only where the
    // services are differs here (no compose network), and Stripe is the local one.
    const compose = await readComposeFile(join(context, 'docker-compose.yml'));
    const variables = { ...production, POSTGRES_USER: database.user, POSTGRES_DB: database.database };
    const redis = new URL(services.redisUrl);
    const where = (environment: Record<string, string>) => ({
      ...environment,
      DATABASE_URL: (environment.DATABASE_URL ?? '').replace('@postgres:5432/', '@127.0.0.1:5432/'),
      REDIS_URL: (environment.REDIS_URL ?? '').replace('redis://redis:6379', `redis://${redis.host}`),
      REDIS_KEY_PREFIX: services.keyPrefix,
      STRIPE_API_BASE: stripe.url,
      NODE_EXTRA_CA_CERTS: services.certificatePath,
      PORT: String(apiPort),
      WORKER_HEALTH_PORT: String(workerPort),
    });
    log(
      `rehearsal-only settings: DATABASE_URL/REDIS_URL hosts, REDIS_KEY_PREFIX, STRIPE_API_BASE (${stripe.url}), NODE_EXTRA_CA_CERTS, PORT, WORKER_HEALTH_PORT`,
    );
    const user = imageUser(image);
    const start = (name: string) => {
      const service = serviceOf(compose, name, variables);
      const argv = service.command ?? image.cmd;
      const executable = argv[0] === 'node' ? join(options.nodeBin, 'node') : (argv[0] ?? '');
      log(`${name}: ${argv.join(' ')}${user.uid === undefined ? '' : ` (as uid ${user.uid})`}`);
      const started = startProcess(name, [executable, ...argv.slice(1)], {
        cwd: app,
        env: { PATH: `${options.nodeBin}:/usr/bin:/bin`, HOME: '/tmp', ...image.env, ...where(service.environment) },
        ...user,
      });
      running.push(started);
      return started;
    };

    at = performance.now();
    const migrate = start('migrate');
    const migrated = await exitOf(migrate, 60_000);
    if (migrated !== 0) throw new Error(`migrate exited with ${migrated}:\n${migrate.output()}`);
    figures.migrateMs = Math.round(performance.now() - at);
    log(`migrate: done in ${figures.migrateMs} ms`);

    const api = start('api');
    const worker = start('worker');
    figures.apiReadyMs = await readyWithin(api, `http://127.0.0.1:${apiPort}/ready`, 30_000);
    figures.workerReadyMs = await readyWithin(worker, `http://127.0.0.1:${workerPort}/ready`, 30_000);
    log(`api ready in ${figures.apiReadyMs} ms, worker ready in ${figures.workerReadyMs} ms (exec → /ready 200)`);

    if (image.healthcheck) {
      const [command, ...args] = image.healthcheck;
      const check = startProcess(
        'healthcheck',
        [command === 'node' ? join(options.nodeBin, 'node') : (command ?? ''), ...args],
        {
          cwd: app,
          env: { ...image.env, PORT: String(apiPort) },
        },
      );
      if ((await exitOf(check, 10_000)) !== 0) throw new Error(`the image's HEALTHCHECK failed:\n${check.output()}`);
      log("the image's HEALTHCHECK passes against the api");
    }

    at = performance.now();
    await runJourney({
      nodeBin: options.nodeBin,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      emulatorUrl: stripe.url,
      caPath: services.certificatePath,
      inboxUrl: services.mail.inboxUrl,
      log,
    });
    figures.journeyMs = Math.round(performance.now() - at);
    figures.mailsDelivered = services.mail.delivered.length;
    log(
      `mail: the worker delivered ${figures.mailsDelivered} message(s) over SMTP to ${production.SMTP_URL ?? ''}: ${services.mail.delivered.map((mail) => `"${mail.subject}"`).join(', ')}`,
    );

    for (const started of [api, worker]) {
      const code = await stopGracefully(started, 20_000);
      if (code !== 0) throw new Error(`${started.name} exited with ${code} on SIGTERM:\n${started.output()}`);
    }
    log('api and worker stopped gracefully on SIGTERM (exit 0)');
    return figures;
  } finally {
    for (const started of running) if (started.child.exitCode === null) started.child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    if (options.keep) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}
