import { CONFIG_VARIABLES, ConfigError, loadConfig } from '@groundwork/config';
import { describe, expect, test } from 'vitest';

import { ComposeError, interpolate, rawEnvironment, readComposeFile, serviceOf, variableUses } from './compose-file.js';
import { fillProductionEnv, readProductionExample } from './production-env.js';

const APP_SERVICES = ['migrate', 'api', 'worker'];

/** What compose hands a service when started with `--env-file` holding `variables`, or the refusal. */
async function composeEnvironment(service: string, variables: Record<string, string>) {
  return serviceOf(await readComposeFile(), service, variables).environment;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.variable);
    throw error;
  }
}

describe('docker-compose.yml against the production config', () => {
  test('when .env.production.example is filled in as its comments say, then every app service gets a valid production config', async () => {
    const variables = fillProductionEnv(await readProductionExample());

    for (const service of APP_SERVICES) {
      const environment = await composeEnvironment(service, variables);
      expect(environment.NODE_ENV).toBe('production');
      expect(problemsOf(environment), service).toEqual([]);
    }
  });

  test('when any one setting of the example is left empty, then compose refuses to start or production accepts it: nothing empty slips through', async () => {
    const example = await readProductionExample();
    const complete = fillProductionEnv(example);

    for (const { name } of example) {
      const variables = { ...complete, [name]: '' };
      let environment: Record<string, string>;
      try {
        environment = await composeEnvironment('api', variables);
      } catch (error) {
        expect(error, name).toBeInstanceOf(ComposeError);
        expect((error as Error).message).toContain(name);
        continue;
      }
      expect(problemsOf(environment), `${name} left empty`).toEqual([]);
    }
  });

  test('when SMTP_URL or MAIL_FROM is left empty, then compose refuses to start and names it: e-mail is a decision made explicitly', async () => {
    const complete = fillProductionEnv(await readProductionExample());

    for (const name of ['SMTP_URL', 'MAIL_FROM']) {
      await expect(composeEnvironment('api', { ...complete, [name]: '' }), name).rejects.toThrow(
        new RegExp(`${name}: .*none with EMAIL_DELIVERY=disabled`),
      );
    }
  });

  test('when e-mail is turned off as the example says (EMAIL_DELIVERY=disabled, none in SMTP_URL and MAIL_FROM), then every app service starts with e-mail off', async () => {
    const example = await readProductionExample();
    const variables = fillProductionEnv(example, { EMAIL_DELIVERY: 'disabled', SMTP_URL: 'none', MAIL_FROM: 'none' });

    expect(example.filter((entry) => entry.required).map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['EMAIL_DELIVERY', 'SMTP_URL', 'MAIL_FROM']),
    );
    expect(example.find((entry) => entry.name === 'EMAIL_DELIVERY')?.value).toBe('smtp');
    for (const service of APP_SERVICES) {
      const environment = await composeEnvironment(service, variables);
      expect(problemsOf(environment), service).toEqual([]);
      expect(loadConfig(environment).email.enabled, service).toBe(false);
    }
  });

  test('when compose passes a setting, then it is one the config schema reads, and every variable it uses is in the example', async () => {
    const compose = await readComposeFile();
    const documented = new Set((await readProductionExample()).map((entry) => entry.name));
    const composeOnly = new Set(['POSTGRES_USER', 'POSTGRES_DB', 'POSTGRES_PORT', 'REDIS_PORT', 'GROUNDWORK_IMAGE']);

    for (const service of APP_SERVICES) {
      const environment = rawEnvironment(compose, service);
      expect(
        Object.keys(environment).filter((name) => !CONFIG_VARIABLES.includes(name)),
        service,
      ).toEqual([]);
      for (const value of Object.values(environment)) {
        for (const use of variableUses(value)) {
          if (composeOnly.has(use.name)) continue;
          expect(
            documented.has(use.name),
            `${use.name} (used by ${service}) missing from .env.production.example`,
          ).toBe(true);
        }
      }
    }
  });
});

describe('interpolate', () => {
  test.each([
    ['${A}', { A: 'x' }, 'x'],
    ['${A:-d}', { A: '' }, 'd'],
    ['${A-d}', { A: '' }, ''],
    ['${A-d}', {}, 'd'],
    ['$${A}', { A: 'x' }, '${A}'],
  ])('when %s is interpolated with %j, then it reads %s, as compose does', (text, variables, expected) => {
    expect(interpolate(text, variables)).toBe(expected);
  });

  test('when a required variable is empty, then interpolation refuses with its message', () => {
    expect(() => interpolate('${A:?set A please}', { A: '' })).toThrow('A: set A please');
  });
});
