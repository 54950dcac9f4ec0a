import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { stringify } from 'yaml';

import { runJourney } from './journey.js';
import { type MailCatcher, startMailCatcher } from './mail-catcher.js';
import { fillProductionEnv, readProductionExample } from './production-env.js';
import { freePort, selfSignedCertificate, startHttpsStripe } from './services.js';

const run = promisify(execFile);
const PROJECT = 'groundwork-rehearsal';

/**
 * With a Docker daemon: the real `docker build` and `docker compose up --wait`
 * from `.env.production.example` filled in, Stripe being the https emulator and
 * SMTP a mail catcher on this host (both reached as host.docker.internal), then
 * the billing journey through the published API port (its verification link read
 * from the delivered mail), and `docker compose down -v`.
 */
export async function rehearseWithDocker(options: {
  nodeBin: string;
  keep: boolean;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  const { log } = options;
  const work = await mkdtemp(join(tmpdir(), 'gw-docker-'));
  const compose = [
    'compose',
    '-p',
    PROJECT,
    '--env-file',
    join(work, '.env.production'),
    '-f',
    'docker-compose.yml',
    '-f',
    join(work, 'rehearsal.yml'),
  ];
  const figures: Record<string, number> = {};
  let stripe: Awaited<ReturnType<typeof startHttpsStripe>> | null = null;
  let mail: MailCatcher | null = null;
  try {
    let at = performance.now();
    await run('docker', ['build', '-t', `${PROJECT}:latest`, '.'], { maxBuffer: 64 * 1024 * 1024 });
    figures.buildSeconds = Math.round((performance.now() - at) / 100) / 10;
    log(`docker build: ${figures.buildSeconds} s`);

    const apiPort = await freePort();
    mail = await startMailCatcher({ smtpHost: '0.0.0.0' });
    const production = fillProductionEnv(await readProductionExample(), {
      API_PORT: String(apiPort),
      SMTP_URL: `smtp://host.docker.internal:${mail.smtpPort}`,
      MAIL_FROM: 'Groundwork <no-reply@rehearsal.test>',
    });
    await writeFile(
      join(work, '.env.production'),
      Object.entries({ ...production, GROUNDWORK_IMAGE: `${PROJECT}:latest` })
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'),
    );
    const certificate = await selfSignedCertificate(work, { ips: ['127.0.0.1'], dns: ['host.docker.internal'] });
    await chmod(certificate.certPath, 0o644);
    stripe = await startHttpsStripe({
      tls: certificate,
      host: '0.0.0.0',
      prices: {
        pro: production.STRIPE_PRICE_PRO_MONTHLY ?? '',
        business: production.STRIPE_PRICE_BUSINESS_MONTHLY ?? '',
      },
      webhook: { url: `http://127.0.0.1:${apiPort}/webhooks/stripe`, secret: production.STRIPE_WEBHOOK_SECRET ?? '' },
    });
    const stripeBase = `https://host.docker.internal:${stripe.port}`;
    // Stripe and the mail catcher both run on this host.
    const toHost = {
      environment: { STRIPE_API_BASE: stripeBase, NODE_EXTRA_CA_CERTS: '/run/rehearsal/ca.crt' },
      extra_hosts: ['host.docker.internal:host-gateway'],
      volumes: [`${certificate.certPath}:/run/rehearsal/ca.crt:ro`],
    };
    await writeFile(
      join(work, 'rehearsal.yml'),
      stringify({ services: { migrate: toHost, api: toHost, worker: toHost } }),
    );

    at = performance.now();
    await run('docker', [...compose, 'up', '-d', '--wait', '--wait-timeout', '120'], { maxBuffer: 16 * 1024 * 1024 });
    figures.composeUpMs = Math.round(performance.now() - at);
    log(`docker compose up --wait: migrate completed, api and worker healthy in ${figures.composeUpMs} ms`);
    const ready = await fetch(`http://127.0.0.1:${apiPort}/ready`);
    if (ready.status !== 200) throw new Error(`/ready answered ${ready.status}: ${await ready.text()}`);

    at = performance.now();
    await runJourney({
      nodeBin: options.nodeBin,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      emulatorUrl: `https://127.0.0.1:${stripe.port}`,
      caPath: certificate.certPath,
      inboxUrl: mail.inboxUrl,
      log,
    });
    figures.journeyMs = Math.round(performance.now() - at);
    figures.mailsDelivered = mail.delivered.length;
    return figures;
  } catch (error) {
    const logs = await run('docker', [...compose, 'logs', '--no-color', '--tail', '200']).catch(() => null);
    if (logs) log(logs.stdout);
    throw error;
  } finally {
    if (!options.keep) await run('docker', [...compose, 'down', '-v']).catch(() => undefined);
    await stripe?.close();
    await mail?.close();
    await rm(work, { recursive: true, force: true });
  }
}
