import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Empty strings count as unset, so `KEY=` in a file cannot override a default with nothing. */
export function withoutEmptyValues(source: EnvSource): Record<string, string> {
  const entries = Object.entries(source).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
  return Object.fromEntries(entries);
}

/**
 * The process environment with a `.env` file (if present in `cwd`) underneath it:
 * a variable already set in the environment wins over the file, as with dotenv.
 */
export function readEnv(cwd: string = process.cwd()): EnvSource {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}
