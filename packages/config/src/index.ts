export { type Config, ConfigError, type EnvSource, loadConfig, loadConfigOrExit, readEnv } from './load-config.js';
export { weakSecretReason } from './secrets.js';
