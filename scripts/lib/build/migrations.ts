import { readdir } from 'node:fs/promises';

import { build } from 'esbuild';

import { NODE_TARGET } from './entries.js';

const MIGRATION_SOURCE = /^\d{14}_[\w-]+\.ts$/;

/**
 * Compiles each migration to its own `.js` file (knex imports them one by one
 * and records their names; the migration source records the `.ts` name either
 * way, so a database migrated from sources can be rolled back from the build).
 */
export async function compileMigrations(options: { outDir: string; sourceDir?: string }): Promise<number> {
  const sourceDir = options.sourceDir ?? 'migrations';
  const files = (await readdir(sourceDir)).filter((file) => MIGRATION_SOURCE.test(file));
  await build({
    entryPoints: files.map((file) => `${sourceDir}/${file}`),
    outdir: options.outDir,
    bundle: false, // they import only types; anything else would be a mistake to catch at run time
    format: 'esm',
    platform: 'node',
    target: NODE_TARGET,
    logLevel: 'warning',
  });
  return files.length;
}
