import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { type Browser, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { inboxLinks } from '../../scripts/lib/inbox-links.js';
import { TEST_REDIS_URL, uniqueKeyPrefix } from '../support/test-env.js';
import { useTestDatabase } from '../support/use-test-database.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../../test-results/web-journey/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const database = useTestDatabase();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await delay(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * What the browser may log without it being a failure: Chromium reports every
 * non-2xx answer as a console error, and three are the protocol working as meant:
 * the 401 of `auth.me` before a session exists (or before the cookie refresh),
 * the 402 of the plan gate, and the 403 of a checkout before the address is verified. Anything else (a script error, a CSP report, a
 * 5xx, a CORS refusal) fails the journey.
 */
function isExpectedAnswer(message: ConsoleMessage, apiUrl: string): boolean {
  return (
    /^Failed to load resource: the server responded with a status of 40[123] /.test(message.text()) &&
    message.location().url.startsWith(`${apiUrl}/trpc/`)
  );
}

describe('the React example in Chromium against the dev stack', () => {
  let dev: ChildProcess | undefined;
  let devOutput = '';
  let browser: Browser | undefined;
  const ports = { api: 0, web: 0, emulator: 0, worker: 0, smtp: 0, inbox: 0 };

  beforeAll(async () => {
    [ports.api, ports.web, ports.emulator, ports.worker, ports.smtp, ports.inbox] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    await rm(OUTPUT, { recursive: true, force: true });
    await mkdir(OUTPUT, { recursive: true });
    // `npm run dev`, as a developer starts it, on this test's database, Redis prefix and ports.
    dev = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: uniqueKeyPrefix(),
        PORT: String(ports.api),
        HOST: '127.0.0.1',
        WORKER_HEALTH_PORT: String(ports.worker),
        DEV_STRIPE_EMULATOR_PORT: String(ports.emulator),
        WEB_PORT: String(ports.web),
        // No SMTP_URL: e-mail goes to the dev inbox, as on a developer's machine.
        DEV_SMTP_PORT: String(ports.smtp),
        DEV_INBOX_PORT: String(ports.inbox),
        BCRYPT_COST: '4',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    dev.stdout?.on('data', (chunk: Buffer) => (devOutput += chunk.toString('utf8')));
    dev.stderr?.on('data', (chunk: Buffer) => (devOutput += chunk.toString('utf8')));
    try {
      await until('the API', async () => (await fetch(`http://127.0.0.1:${ports.api}/health`)).ok);
      await until('the web example', async () => (await fetch(`http://localhost:${ports.web}/`)).ok);
    } catch (error) {
      throw new Error(`${String(error)}\n--- npm run dev said:\n${devOutput}`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dev?.pid && dev.exitCode === null) {
      const exited = once(dev, 'exit');
      process.kill(dev.pid, 'SIGTERM');
      await exited;
    }
  }, 30_000);

  test('when a person signs up, meets the gate, pays, cancels in the portal and reloads, then every step shows what the API decided', async () => {
    const web = `http://localhost:${ports.web}`;
    const apiUrl = `http://localhost:${ports.api}`;
    const context = await (browser as Browser).newContext();
    const page: Page = await context.newPage();
    const problems: string[] = [];
    const watch = (target: Page) => {
      target.on('console', (message) => {
        if (message.type() === 'error' && !isExpectedAnswer(message, apiUrl)) {
          problems.push(`${message.text()} (${message.location().url})`);
        }
      });
      target.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    };
    watch(page);
    // Any CSP violation on any page of the journey (the site's or the emulator's) becomes a console error.
    await context.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI));`,
    });
    let step = 0;
    const shot = async (name: string) => {
      step += 1;
      await page.screenshot({ path: `${OUTPUT}${String(step).padStart(2, '0')}-${name}.png`, fullPage: true });
    };

    // Sign up.
    await page.goto(web);
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await shot('sign-up');
    await page.getByLabel('Name').fill('Browser Journey');
    const email = `browser-${Date.now()}@example.test`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('Browser-journey-9f2k');
    await page.getByRole('button', { name: 'Sign up' }).click();

    // The plan gate: a 402 shown as the call to action.
    const upgrade = page.getByRole('button', { name: 'Upgrade to Pro' });
    await upgrade.waitFor();
    expect(await page.getByTestId('plan').textContent()).toContain('Free');
    await shot('gate');

    // Checkouts need a verified address: refused until the e-mailed link is followed.
    await upgrade.click();
    await page.getByText('Verify your e-mail address first').waitFor();
    await shot('verify-first');
    // The verification mail in the dev inbox that `npm run dev` started and announced.
    const inboxUrl = `http://127.0.0.1:${ports.inbox}`;
    expect(devOutput).toContain(`dev inbox: ${inboxUrl}`);
    const link = await inboxLinks(inboxUrl).verificationLink(email);
    expect(new URL(link).origin + new URL(link).pathname).toBe(`${web}/verify-email`);
    const inbox = await context.newPage();
    watch(inbox);
    await inbox.goto(inboxUrl);
    await inbox.getByRole('link', { name: 'Confirm your e-mail address' }).first().click();
    expect(await inbox.getByRole('link', { name: link, exact: true }).getAttribute('href')).toBe(link);
    const htmlPart = inbox.frameLocator('iframe[title="HTML part"]');
    expect(await htmlPart.getByRole('link', { name: 'Confirm my address' }).getAttribute('href')).toBe(link);
    await inbox.screenshot({ path: `${OUTPUT}inbox.png`, fullPage: true });
    await inbox.close();
    // The e-mailed link opens the example's page (APP_URL), which verifies and takes the token out of the address bar.
    const verifyCall = page.waitForRequest((request) => request.url().includes('/trpc/auth.verifyEmail'));
    await page.goto(link);
    await page.getByText(`${email} is verified.`).waitFor();
    // No Referer leaves the page that held the token.
    expect((await verifyCall).headers().referer ?? '').toBe('');
    expect(page.url()).toBe(`${web}/verify-email`);
    await shot('verified');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('email').waitFor();
    expect(await page.getByTestId('email').textContent()).toBe(`${email} · verified`);

    // Checkout on the emulator's page, the test card prefilled.
    await upgrade.click();
    await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${ports.emulator}/checkout/cs_test_`));
    expect(await page.getByLabel('Card number').inputValue()).toBe('4242 4242 4242 4242');
    await shot('checkout');
    await page.getByRole('button', { name: 'Pay' }).click();

    // Back on the site: the checkout is synced, the gated dashboard answers.
    await page.waitForURL(`${web}/billing`);
    await page.getByTestId('usage').waitFor();
    expect(await page.getByTestId('plan').textContent()).toMatch(/^Pro · active/);
    await shot('dashboard');

    // The portal: cancel at period end, return, and see the subscription as ending.
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${ports.emulator}/portal/bps_`));
    await shot('portal');
    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await page.waitForURL(`${web}/billing`);
    // The webhook reaches the worker asynchronously; reloading also proves the session survives reloads.
    await until(
      'the plan shown as ending',
      async () => {
        const text = await page.getByTestId('plan').textContent({ timeout: 5_000 });
        if (text?.includes('ends on')) return true;
        await page.reload();
        return false;
      },
      20_000,
    );
    await page.getByTestId('usage').waitFor();
    await shot('ending');

    // Reload: the access token was in memory only; the HttpOnly cookie brings the session back.
    await page.reload();
    await page.getByTestId('plan').waitFor();
    expect(await page.getByTestId('plan').textContent()).toMatch(/^Pro · ends on \d{4}-\d{2}-\d{2}$/);
    const cookies = await context.cookies(apiUrl);
    expect(cookies.find((cookie) => cookie.name === '__Host-gw_refresh')).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('gw_refresh');
    await shot('reloaded');

    // Sessions: sign out the others, stay signed in here.
    await page.getByRole('button', { name: 'Sign out other devices' }).click();
    await page.getByText('(this device)').waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });
});
