import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { transform } from 'esbuild';

/**
 * Compiles every `.ts` migration of `directory` to `.js` in a new temporary
 * directory, as a build would: plain ESM that node runs without a loader.
 */
export async function compileMigrations(directory: string): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'groundwork-migrations-js-'));
  // The repository's package.json says "type": "module"; a folder of its own must say so too.
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const file of await readdir(directory)) {
    if (!file.endsWith('.ts')) continue;
    const source = await readFile(join(directory, file), 'utf8');
    const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
    await writeFile(join(out, file.replace(/\.ts$/, '.js')), code);
  }
  return out;
}
