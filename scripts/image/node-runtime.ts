import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Node version production runs: the Dockerfile's NODE_VERSION, which a test keeps equal to .nvmrc. */
export async function productionNodeVersion(dockerfilePath = 'Dockerfile'): Promise<string> {
  const match = /^ARG NODE_VERSION=(\S+)$/m.exec(await readFile(dockerfilePath, 'utf8'));
  if (!match?.[1]) throw new Error(`${dockerfilePath} has no ARG NODE_VERSION=<version>`);
  return match[1];
}

/**
 * The folder holding a `node` binary of `version`: this process's own when it
 * matches, else the official build from the npm registry (the `node-<os>-<arch>`
 * package ships the binary itself), kept in node_modules/.cache between runs.
 */
export async function nodeBinDir(version: string): Promise<string> {
  if (process.version === `v${version}`) return dirname(process.execPath);
  const prefix = resolve('node_modules/.cache/groundwork/node', version);
  const packageName = `node-${process.platform}-${process.arch}`;
  const bin = join(prefix, 'node_modules', packageName, 'bin');
  if (!existsSync(join(bin, 'node'))) {
    await mkdir(prefix, { recursive: true });
    await run('npm', [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefix',
      prefix,
      `${packageName}@${version}`,
    ]);
  }
  const { stdout } = await run(join(bin, 'node'), ['--version']);
  if (stdout.trim() !== `v${version}`) throw new Error(`expected Node v${version} in ${bin}, found ${stdout.trim()}`);
  return bin;
}

/**
 * The `node` binary production runs (the Dockerfile's NODE_VERSION, through `nodeBinDir`) and its version
 * as `node --version` prints it: the benches and the fault suite start the built artifacts on it (ADR 049).
 */
export async function productionNode(): Promise<{ path: string; version: string }> {
  const version = await productionNodeVersion();
  return { path: join(await nodeBinDir(version), 'node'), version: `v${version}` };
}
