export {
  type Config,
  ConfigError,
  type EnvSource,
  loadConfig,
  loadConfigOrExit,
  loadDevSettings,
  readEnv,
} from './load-config.js';
export { weakSecretReason } from './secrets.js';
