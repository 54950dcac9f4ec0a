import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { EnvSource } from '@groundwork/config';

const PASSED_THROUGH = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
];

/**
 * How this machine reaches the npm registry: proxy variables (which `docker build`
 * also passes through) and npm's registry and cafile, which npm reads from config
 * files a build stage does not have.
 */
export async function hostNetworkEnv(env: EnvSource): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = env[name];
    if (value) result[name] = value;
  }
  for (const setting of ['registry', 'cafile']) {
    const { stdout } = await promisify(execFile)('npm', ['config', 'get', setting]);
    const value = stdout.trim();
    if (value && value !== 'null' && value !== 'undefined') result[`npm_config_${setting}`] = value;
  }
  return result;
}

/** Where npm keeps its cache on this machine. */
export async function hostNpmCache(): Promise<string> {
  const { stdout } = await promisify(execFile)('npm', ['config', 'get', 'cache']);
  return stdout.trim();
}
