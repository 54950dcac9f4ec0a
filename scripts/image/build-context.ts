import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createRequire } from 'node:module';

type Matcher = { add: (rules: string[]) => Matcher; ignores: (path: string) => boolean };
// A CommonJS module whose bundled types claim an ES default export; required as what it is.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Matcher;

/**
 * Copies what `docker build` would send as the build context into `target`:
 * every file of `root` that `.dockerignore` does not exclude, matched with the
 * same rules as Docker's own (balena's port of its matcher). Returns the
 * relative paths copied.
 */
export async function buildContext(root: string, target: string): Promise<string[]> {
  const rules = await readFile(join(root, '.dockerignore'), 'utf8').catch(() => '');
  const matcher = dockerignore().add(rules.split('\n'));
  // An excluded folder may still hold a re-included file only if some rule starts with "!".
  const hasExceptions = rules.split('\n').some((line) => line.trim().startsWith('!'));
  const copied: string[] = [];

  async function walk(relative: string): Promise<void> {
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (matcher.ignores(path) && !hasExceptions) continue;
        await walk(path);
      } else if (entry.isFile() && !matcher.ignores(path)) {
        await mkdir(join(target, relative), { recursive: true });
        await copyFile(join(root, path), join(target, path));
        copied.push(path);
      }
    }
  }
  await walk('');
  return copied.sort();
}
