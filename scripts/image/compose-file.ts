import { readFile } from 'node:fs/promises';

import { parse } from 'yaml';

/** How compose would run one service: its command (null: the image's CMD) and environment, interpolated. */
export type ComposeService = { command: string[] | null; environment: Record<string, string> };

/** How each `${...}` of the file's environment blocks is written, before interpolation. */
export type VariableUse = { name: string; form: 'required' | 'default' | 'plain'; fallback: string | null };

type RawService = { command?: unknown; environment?: unknown };

export class ComposeError extends Error {}

export async function readComposeFile(path = 'docker-compose.yml'): Promise<{ services: Record<string, RawService> }> {
  const document = parse(await readFile(path, 'utf8'), { merge: true }) as { services?: Record<string, RawService> };
  if (!document.services) throw new ComposeError(`${path} has no services`);
  return { services: document.services };
}

/**
 * Compose's interpolation: `${NAME}`, `${NAME:-fallback}` (fallback when unset or
 * empty), `${NAME-fallback}` (when unset), `${NAME:?message}` / `${NAME?message}`
 * (refuse to start), and `$$` for a literal `$`.
 */
export function interpolate(text: string, variables: Readonly<Record<string, string | undefined>>): string {
  return text.replace(REFERENCE, (...match: unknown[]) => {
    const { escaped, name = '', colon, op, arg = '' } = match.at(-1) as Partial<Record<string, string>>;
    if (escaped) return '$';
    const value = variables[name];
    const missing = colon ? !value : value === undefined;
    if (!missing) return value ?? '';
    if (op === '?') throw new ComposeError(`${name}: ${arg === '' ? 'required' : arg}`);
    return op === '-' ? arg : '';
  });
}

const REFERENCE = /(?<escaped>\$\$)|\$\{(?<name>\w+)(?:(?<colon>:?)(?<op>[-?])(?<arg>[^}]*))?\}/g;

/** Every variable an environment value refers to, and how. */
export function variableUses(text: string): VariableUse[] {
  return [...text.matchAll(/\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g)].map(([, name = '', , op, arg]) => ({
    name,
    form: op === '?' ? 'required' : op === '-' ? 'default' : 'plain',
    fallback: op === '-' ? (arg ?? '') : null,
  }));
}

export function serviceOf(
  compose: { services: Record<string, RawService> },
  name: string,
  variables: Readonly<Record<string, string | undefined>>,
): ComposeService {
  const raw = compose.services[name];
  if (!raw) throw new ComposeError(`docker-compose.yml has no service "${name}"`);
  if (raw.command !== undefined && !(Array.isArray(raw.command) && raw.command.every((p) => typeof p === 'string'))) {
    throw new ComposeError(`service ${name}: write its command in the exec form (a list)`);
  }
  const environment = Object.fromEntries(
    Object.entries((raw.environment ?? {}) as Record<string, unknown>).map(([key, value]) => [
      key,
      interpolate(String(value), variables),
    ]),
  );
  return { command: raw.command ?? null, environment };
}

/** The raw (uninterpolated) environment block of a service. */
export function rawEnvironment(
  compose: { services: Record<string, RawService> },
  name: string,
): Record<string, string> {
  const raw = compose.services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
}
