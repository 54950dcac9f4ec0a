export { type Config } from './config.js';
export { ConfigError } from './config-error.js';
export { CONFIG_VARIABLES, envSchema } from './env.schema.js';
export { loadConfig, loadConfigOrExit } from './load-config.js';
export { type EnvSource, readEnv, withoutEmptyValues } from './read-env.js';
export { weakSecretReason } from './secrets.js';
