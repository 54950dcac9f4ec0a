/**
 * Reads a Dockerfile into stages and instructions, for the rehearsal that runs
 * it without a Docker daemon. It understands the subset our Dockerfile uses and
 * refuses anything else, so the rehearsal can never silently skip a step.
 */
export type Instruction =
  | { kind: 'WORKDIR'; path: string }
  | { kind: 'COPY'; from: string | null; sources: string[]; destination: string }
  | { kind: 'RUN'; command: string; cacheMounts: string[] }
  | { kind: 'ENV'; name: string; value: string }
  | { kind: 'USER'; user: string }
  | { kind: 'CMD'; argv: string[] }
  | { kind: 'HEALTHCHECK'; argv: string[] }
  | { kind: 'EXPOSE' | 'STOPSIGNAL'; value: string };

export type Stage = { name: string; base: string; instructions: Instruction[] };

export type Dockerfile = { args: Record<string, string>; stages: Stage[] };

export class DockerfileError extends Error {}

/** Joins continued lines and drops comments and blank lines; keeps line numbers for errors. */
function logicalLines(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | null = null;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === null && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== null && trimmed.startsWith('#')) return; // comments inside a continuation
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ? { line: pending.line, text: `${pending.text} ${part}` } : { line: index + 1, text: part };
    if (!continued) {
      lines.push(pending);
      pending = null;
    }
  });
  if (pending) lines.push(pending);
  return lines;
}

function substitute(text: string, args: Record<string, string>, line: number): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_match, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = args[name];
    if (value === undefined) throw new DockerfileError(`line ${line}: unknown build argument ${name}`);
    return value;
  });
}

function execForm(text: string, line: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DockerfileError(`line ${line}: expected the exec form (a JSON array), got ${text}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new DockerfileError(`line ${line}: expected a JSON array of strings`);
  }
  return parsed;
}

/** Splits leading `--flag=value` options off an instruction's arguments. */
function takeFlags(rest: string): { flags: Record<string, string[]>; remainder: string } {
  const flags: Record<string, string[]> = {};
  let remainder = rest;
  for (let match = /^--([\w-]+)=(\S+)\s+/.exec(remainder); match; match = /^--([\w-]+)=(\S+)\s+/.exec(remainder)) {
    const [whole, name = '', value = ''] = match;
    (flags[name] ??= []).push(value);
    remainder = remainder.slice(whole.length);
  }
  return { flags, remainder };
}

function parseInstruction(keyword: string, rest: string, line: number): Instruction {
  const { flags, remainder } = takeFlags(rest);
  const unexpected = (allowed: string[]) => {
    const extra = Object.keys(flags).filter((flag) => !allowed.includes(flag));
    if (extra.length > 0)
      throw new DockerfileError(`line ${line}: ${keyword} --${extra.join(', --')} is not supported`);
  };
  switch (keyword) {
    case 'WORKDIR':
      unexpected([]);
      return { kind: 'WORKDIR', path: remainder };
    case 'COPY': {
      unexpected(['from']);
      const parts = remainder.split(/\s+/);
      const destination = parts.pop();
      if (!destination || parts.length === 0)
        throw new DockerfileError(`line ${line}: COPY needs a source and a destination`);
      return { kind: 'COPY', from: flags.from?.[0] ?? null, sources: parts, destination };
    }
    case 'RUN': {
      unexpected(['mount']);
      const cacheMounts = (flags.mount ?? []).map((mount) => {
        const options = Object.fromEntries(mount.split(',').map((pair) => pair.split('=') as [string, string]));
        if (options.type !== 'cache' || !options.target)
          throw new DockerfileError(`line ${line}: only cache mounts are supported`);
        return options.target;
      });
      if (remainder.startsWith('[')) throw new DockerfileError(`line ${line}: use the shell form for RUN`);
      return { kind: 'RUN', command: remainder, cacheMounts };
    }
    case 'ENV': {
      unexpected([]);
      const match = /^(\w+)=(.*)$/.exec(remainder);
      if (!match) throw new DockerfileError(`line ${line}: write ENV as NAME=value, one per instruction`);
      return { kind: 'ENV', name: match[1] ?? '', value: match[2] ?? '' };
    }
    case 'USER':
      unexpected([]);
      return { kind: 'USER', user: remainder };
    case 'CMD':
      unexpected([]);
      return { kind: 'CMD', argv: execForm(remainder, line) };
    case 'HEALTHCHECK': {
      const command = /^CMD\s+(.*)$/.exec(remainder);
      if (!command) throw new DockerfileError(`line ${line}: HEALTHCHECK needs CMD in the exec form`);
      return { kind: 'HEALTHCHECK', argv: execForm(command[1] ?? '', line) };
    }
    case 'EXPOSE':
    case 'STOPSIGNAL':
      unexpected([]);
      return { kind: keyword, value: remainder };
    default:
      throw new DockerfileError(`line ${line}: ${keyword} is not supported by the rehearsal`);
  }
}

const SUBSTITUTED = new Set(['COPY', 'ENV', 'EXPOSE', 'STOPSIGNAL', 'USER', 'WORKDIR']);

export function parseDockerfile(text: string): Dockerfile {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { line, text: logical } of logicalLines(text)) {
    const match = /^(\w+)\s*(.*)$/.exec(logical);
    const keyword = match?.[1]?.toUpperCase() ?? '';
    const rest = match?.[2] ?? '';
    if (keyword === 'ARG') {
      const arg = /^(\w+)=(\S+)$/.exec(rest);
      if (!arg) throw new DockerfileError(`line ${line}: ARG needs a default (NAME=value)`);
      args[arg[1] ?? ''] = arg[2] ?? '';
      continue;
    }
    if (keyword === 'FROM') {
      const from = /^(\S+)\s+AS\s+(\S+)$/i.exec(substitute(rest, args, line));
      if (!from) throw new DockerfileError(`line ${line}: name every stage (FROM image AS name)`);
      stages.push({ base: from[1] ?? '', name: from[2] ?? '', instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new DockerfileError(`line ${line}: ${keyword} before the first FROM`);
    // Like Docker, build arguments are replaced in these instructions only; RUN leaves `$` to the shell.
    const expanded = SUBSTITUTED.has(keyword) ? substitute(rest, args, line) : rest;
    stage.instructions.push(parseInstruction(keyword, expanded, line));
  }
  if (stages.length === 0) throw new DockerfileError('no FROM instruction');
  return { args, stages };
}
