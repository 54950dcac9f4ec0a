import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { outboxLinks } from '../../scripts/lib/outbox-links.js';
import { type BillingStack, startBillingStack } from '../support/billing-stack.js';
import { useTestDatabase } from '../support/use-test-database.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('./template', import.meta.url));
/** What the consumer installs beside the tarball, at the versions this repository's lockfile holds. */
const PEERS = ['@trpc/client', '@trpc/server', 'zod', 'typescript', '@types/node'];

const database = useTestDatabase();

async function lockedVersion(name: string): Promise<string> {
  const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/** Runs a command; resolves with its exit code and output instead of throwing. */
async function attempt(command: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

/**
 * Runs the journey; when it asks for the verification link (what the person
 * would click in their inbox), answers with the one in the outbox for the
 * address it signed up with.
 */
async function journeyAnsweringVerification(stack: BillingStack, cwd: string) {
  const child = spawn(process.execPath, ['dist/journey.js', stack.api.url], { cwd });
  let output = '';
  const asked = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const email = /^signed up as (\S+) /m.exec(output)?.[1];
      if (email && output.includes('verification link?')) resolve(email);
    });
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
  const email = await Promise.race([asked, exited.then(() => null)]);
  if (email) child.stdin.end(`${await outboxLinks(stack.api.db).verificationLink(email)}\n`);
  return { code: await exited, output };
}

describe('an app outside the workspaces installs the packed client', () => {
  let app = '';
  let stack: BillingStack | undefined;

  beforeAll(async () => {
    // Arrange: `npm pack` in packages/client, and a fresh project elsewhere that installs the tarball.
    app = await mkdtemp(join(tmpdir(), 'groundwork-consumer-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', app], {
      cwd: join(REPO_ROOT, 'packages/client'),
    });
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string }];
    await cp(TEMPLATE, app, { recursive: true });
    const peers = await Promise.all(PEERS.map(async (name) => `${name}@${await lockedVersion(name)}`));
    await run(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        `./${filename}`,
        ...peers,
      ],
      { cwd: app },
    );
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
    if (app) await rm(app, { recursive: true, force: true });
  });

  test('when the tarball is listed, then it holds compiled JavaScript and declarations, and nothing that points into the monorepo', async () => {
    const installed = join(app, 'node_modules/@groundwork/client');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      exports?: unknown;
      peerDependencies?: Record<string, string>;
    };
    const declarations = await readFile(join(installed, 'dist/app-router.d.ts'), 'utf8');
    const listing = await attempt('find', ['.', '-type', 'f', '-not', '-name', 'package.json'], installed);

    expect(manifest.exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(['@trpc/client', '@trpc/server', 'zod']);
    expect(listing.output.split('\n').filter(Boolean).sort()).toEqual(
      [
        './dist/app-router.d.ts',
        './dist/create-api-client.d.ts',
        './dist/create-api-key-client.d.ts',
        './dist/errors.d.ts',
        './dist/index.d.ts',
        './dist/index.js',
        './dist/mfa.d.ts',
        './dist/token-store.d.ts',
      ].sort(),
    );
    expect(declarations).toContain('analytics: {');
    expect((await attempt('grep', ['-rl', '@groundwork/\\|apps/api', 'dist'], installed)).output).toBe('');
  });

  test('when the app typechecks with strict and skipLibCheck false, then it compiles', async () => {
    const compiled = await attempt(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);

    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
  });

  test('when the app passes a wrong input, then its typecheck fails on exactly those calls', async () => {
    const compiled = await attempt(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.wrong-input.json'], app);

    expect(compiled.code).not.toBe(0);
    const errors = compiled.output.split('\n').filter((line) => line.startsWith('wrong-input.ts('));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /^wrong-input\.ts\(6,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
    );
    expect(errors[1]).toMatch(/^wrong-input\.ts\(7,\d+\): error TS2322: Type '"platinum"' is not assignable/);
  });

  test('when the app runs against the API, worker and Stripe emulator, then it signs up, gets 402, subscribes and gets 200', async () => {
    stack = await startBillingStack(database.url);

    const journey = await journeyAnsweringVerification(stack, app);

    expect(journey.code, journey.output).toBe(0);
    expect(journey.output).toMatch(/^402 PAYMENT_REQUIRED: needs analytics, on free \(no_subscription\)$/m);
    expect(journey.output).toMatch(/^verified: consumer-[\w-]+@example\.test$/m);
    expect(journey.output).toMatch(/^paid: 303 to http:\/\/localhost:5173\/billing\/success\?session_id=cs_test_\w+$/m);
    expect(journey.output).toMatch(/^subscribed: pro \(active\)$/m);
    expect(journey.output).toMatch(/^200 analytics\.dashboard: pro, \d+ of \d+ today$/m);
  });
});
