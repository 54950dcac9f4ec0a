export {
  type Config,
  ConfigError,
  type EnvSource,
  loadConfig,
  loadConfigOrExit,
  loadDevSettings,
  readEnv,
} from './load-config.js';
export { CONFIG_VARIABLES } from './env.schema.js';
export { weakSecretReason } from './secrets.js';
