import { readFile } from 'node:fs/promises';

import { CONFIG_VARIABLES } from '@groundwork/config';
import { describe, expect, test } from 'vitest';

import {
  CONFIGURATION_DOC,
  DEV_TOOLING_SETTINGS,
  readEnvExample,
  renderConfigurationDoc,
} from './configuration-doc.js';

describe('the configuration documentation', () => {
  test('when the schema and .env.example are compared, then each documents exactly the settings of the other (and the dev tooling its own)', async () => {
    const documented = (await readEnvExample()).flatMap((section) => section.settings.map((setting) => setting.name));

    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES, ...DEV_TOOLING_SETTINGS].sort());
    expect((await readEnvExample()).flatMap((s) => s.settings).filter((s) => s.description === '')).toEqual([]);
  });

  test('when docs/configuration.md is read, then it is what npm run docs:config makes from the schema today', async () => {
    const current = await readFile(CONFIGURATION_DOC, 'utf8');

    expect(current, 'docs/configuration.md is out of date: run npm run docs:config').toBe(
      await renderConfigurationDoc(),
    );
  });
});
