import { CONFIG_VARIABLES, ConfigError } from '@groundwork/config';
import { describe, expect, test } from 'vitest';

import { DEV_TOOLING_SETTINGS, loadDevSettings } from './dev-settings.js';

describe('loadDevSettings', () => {
  test('when nothing is set, then the dev ports and the product defaults apply, with no database URL', () => {
    expect(loadDevSettings({})).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      embeddedPostgresPort: 54329,
      stripeEmulatorPort: 12111,
      apiPort: 3000,
      webPort: 5173,
      smtpPort: 1025,
      inboxPort: 1080,
      emailDelivery: 'smtp',
    });
  });

  test('when a dev port is malformed, then a ConfigError names it', () => {
    expect(() => loadDevSettings({ DEV_POSTGRES_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadDevSettings({ DEV_POSTGRES_PORT: 'abc' })).toThrow(/DEV_POSTGRES_PORT/);
  });

  test('when the product schema is listed, then no dev-only setting is in it', () => {
    expect(CONFIG_VARIABLES.filter((name) => DEV_TOOLING_SETTINGS.includes(name))).toEqual([]);
  });
});
