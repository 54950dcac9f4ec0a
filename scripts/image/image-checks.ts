import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

type LockEntry = { dev?: boolean; devOptional?: boolean; link?: boolean };

/** Files of ours allowed in the image, outside node_modules: npm manifests and the build. */
const SHIPPED = [/^(.+\/)?package\.json$/, /^package-lock\.json$/, /^\.npmrc$/, /^dist\//];

async function filesOf(root: string, relative = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) files.push(...(await filesOf(root, path)));
    else files.push(path);
  }
  return files;
}

/**
 * What must never be in the runtime image, checked on its `/app`: anything of
 * ours but manifests and `dist/` (so no sources, tests, .env files, keys or
 * docs), and any package the lockfile marks as development-only. Returns the
 * problems found (empty when the image is clean).
 */
export async function checkImageContents(app: string): Promise<string[]> {
  const problems: string[] = [];
  for (const file of await filesOf(app)) {
    if (!SHIPPED.some((pattern) => pattern.test(file))) problems.push(`${file} is in the image`);
  }
  if (!existsSync(join(app, 'dist/api.js'))) problems.push('dist/api.js is missing');

  const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.includes('node_modules/')) continue;
    if (entry.dev && existsSync(join(app, path))) problems.push(`${path} (a development dependency) is in the image`);
  }
  const topLevel = await readdir(join(app, 'node_modules'), { withFileTypes: true });
  for (const entry of topLevel) {
    if (entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? (await readdir(join(app, 'node_modules', entry.name))).map((scoped) => `${entry.name}/${scoped}`)
      : [entry.name];
    for (const name of names) {
      if (!lock.packages[`node_modules/${name}`]) problems.push(`node_modules/${name} is not in package-lock.json`);
    }
  }
  return problems;
}
