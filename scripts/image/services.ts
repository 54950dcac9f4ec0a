import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startStripeEmulator, type StripeEmulator } from '@groundwork/stripe-emulator';
import { Redis } from 'ioredis';
import pg from 'pg';

const run = promisify(execFile);

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export type ScratchDatabase = { user: string; password: string; database: string; drop: () => Promise<void> };

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A role with a production-strength password and a database it owns, as an
 * operator would create them: production refuses weak database passwords.
 * Needs a role that may create roles and databases (`adminUrl`), else the
 * local `postgres` superuser where loopback connections are trusted.
 */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `gw_rehearsal_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(24).toString('hex');
  const candidates = [adminUrl, 'postgres://postgres@127.0.0.1:5432/postgres'];
  for (const [index, url] of candidates.entries()) {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await admin.connect();
      await admin.query(`create role ${quoted(name)} login password '${password}'`);
      await admin.query(`create database ${quoted(name)} owner ${quoted(name)}`);
      await admin.end();
      return {
        user: name,
        password,
        database: name,
        drop: async () => {
          const cleanup = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
          await cleanup.connect();
          await cleanup.query(`drop database if exists ${quoted(name)} with (force)`);
          await cleanup.query(`drop role if exists ${quoted(name)}`);
          await cleanup.end();
        },
      };
    } catch (error) {
      // A role made before the database failed (PostgreSQL 15: a CREATEROLE role that is not a member
      // of the new role may not make it a database's owner) would block the next candidate.
      await admin.query(`drop role if exists ${quoted(name)}`).catch(() => undefined);
      await admin.end().catch(() => undefined);
      if (index === candidates.length - 1) {
        throw new Error(
          `the rehearsal needs a PostgreSQL role that may create roles and databases at ${adminUrl} ` +
            '(set REHEARSAL_DATABASE_ADMIN_URL), or a local postgres superuser over trusted loopback',
          { cause: error },
        );
      }
    }
  }
  throw new Error('unreachable');
}

/** Removes every key under `prefix` (the rehearsal's queues, limits and caches). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** A self-signed certificate for `names` (127.0.0.1 and host names), made with openssl. */
export async function selfSignedCertificate(
  directory: string,
  names: { ips: string[]; dns: string[] },
): Promise<{ key: string; cert: string; certPath: string }> {
  const keyPath = join(directory, 'stripe-emulator.key');
  const certPath = join(directory, 'stripe-emulator.crt');
  const subjectAltName = [...names.ips.map((ip) => `IP:${ip}`), ...names.dns.map((dns) => `DNS:${dns}`)].join(',');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=stripe-emulator',
    '-addext',
    `subjectAltName=${subjectAltName}`,
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8'), certPath };
}

/** The local Stripe over https, seeded with the price ids the production env names. */
export async function startHttpsStripe(options: {
  tls: { key: string; cert: string };
  host: string;
  prices: { pro: string; business: string };
  webhook: { url: string; secret: string };
}): Promise<StripeEmulator> {
  return startStripeEmulator({
    host: options.host,
    tls: options.tls,
    webhook: options.webhook,
    prices: [
      { id: options.prices.pro, interval: 'month', unitAmount: 2_900 },
      { id: options.prices.business, interval: 'month', unitAmount: 9_900 },
    ],
  });
}
