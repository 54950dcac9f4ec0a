import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, lstat, mkdir, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import type { Dockerfile, Instruction } from './dockerfile.js';

/** What a rehearsed build leaves: the final stage's filesystem and its runtime settings. */
export type RehearsedImage = {
  /** The final stage's filesystem root; `/app` of the image is `join(root, 'app')`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  cmd: string[];
  healthcheck: string[] | null;
  /** The base image the final stage names (not pulled: the rehearsal brings its own Node). */
  baseImage: string;
};

type StageState = { root: string; workdir: string; env: Record<string, string>; user: string; cmd: string[] };

export type NativeBuildOptions = {
  dockerfile: Dockerfile;
  /** The build context, as `buildContext` made it. */
  context: string;
  /** Where the stages' filesystems are made. */
  workDir: string;
  /** Put first on PATH for RUN: the Node the base image would bring. */
  nodeBinDir: string;
  /** The persistent folder behind a `RUN --mount=type=cache,target=…`. */
  cacheFor: (target: string) => string;
  /**
   * This machine's network settings for RUN (proxies, extra CAs, npm's registry and
   * cafile), as `docker build` passes proxy settings as build arguments. Never
   * written into a stage's ENV.
   */
  networkEnv: Record<string, string>;
  log: (line: string) => void;
};

/**
 * Runs a Dockerfile's stages on this machine, instruction by instruction: each
 * stage gets its own folder as `/`, COPY follows Docker's rules for folders and
 * files, RUN executes with the stage's ENV and only that (not this machine's
 * environment). What no daemon can do here is pull the base image: the stages
 * start empty and RUN gets the Node that `nodeBinDir` holds.
 */
export async function buildNatively(options: NativeBuildOptions): Promise<RehearsedImage> {
  const stages = new Map<string, StageState>();
  let last: { state: StageState; base: string; healthcheck: string[] | null } | null = null;
  for (const stage of options.dockerfile.stages) {
    const root = join(options.workDir, 'stages', stage.name);
    await rm(root, { recursive: true, force: true });
    const parent = stages.get(stage.base);
    const state: StageState = parent
      ? { ...parent, env: { ...parent.env }, root }
      : { root, workdir: '/', env: {}, user: 'root', cmd: [] };
    if (parent) await cp(parent.root, root, { recursive: true, verbatimSymlinks: true });
    else await mkdir(root, { recursive: true });
    let healthcheck: string[] | null = null;
    options.log(`stage ${stage.name} (from ${stage.base})`);
    for (const instruction of stage.instructions) {
      const result = await apply(instruction, { state, stages, options });
      if (result) healthcheck = result;
    }
    stages.set(stage.name, state);
    last = { state, base: stage.base, healthcheck };
  }
  if (!last) throw new Error('the Dockerfile has no stage');
  const { state } = last;
  return {
    root: state.root,
    workdir: state.workdir,
    env: state.env,
    user: state.user,
    cmd: state.cmd,
    healthcheck: last.healthcheck,
    baseImage: last.base,
  };
}

const inStage = (state: StageState, path: string) =>
  join(state.root, path.startsWith('/') ? path : join(state.workdir, path));

type Build = { state: StageState; stages: Map<string, StageState>; options: NativeBuildOptions };

async function apply(instruction: Instruction, build: Build): Promise<string[] | null> {
  const { state } = build;
  switch (instruction.kind) {
    case 'WORKDIR':
      state.workdir = instruction.path.startsWith('/') ? instruction.path : join(state.workdir, instruction.path);
      await mkdir(inStage(state, '.'), { recursive: true });
      return null;
    case 'ENV':
      state.env[instruction.name] = instruction.value;
      return null;
    case 'USER':
      state.user = instruction.user;
      return null;
    case 'CMD':
      state.cmd = instruction.argv;
      return null;
    case 'HEALTHCHECK':
      return instruction.argv;
    case 'EXPOSE':
    case 'STOPSIGNAL':
      return null;
    case 'COPY':
      await copy(instruction, build);
      return null;
    case 'RUN':
      await run(instruction, build);
      return null;
  }
}

/** Docker's COPY: a folder's contents (not the folder) land in the destination; files keep their name under a `/` destination. */
async function copy(instruction: Extract<Instruction, { kind: 'COPY' }>, { state, stages, options }: Build) {
  const fromRoot = instruction.from === null ? options.context : stages.get(instruction.from)?.root;
  if (!fromRoot) throw new Error(`COPY --from=${instruction.from ?? ''}: no such stage before this one`);
  const destination = inStage(state, instruction.destination);
  const intoFolder =
    instruction.destination.endsWith('/') || instruction.destination === '.' || instruction.sources.length > 1;
  for (const source of instruction.sources) {
    const from = join(fromRoot, source);
    const kind = await stat(from).catch(() => null);
    if (!kind) throw new Error(`COPY ${source}: not found in ${instruction.from ?? 'the build context'}`);
    const target = kind.isDirectory() ? destination : intoFolder ? join(destination, basename(from)) : destination;
    await mkdir(kind.isDirectory() ? target : dirname(target), { recursive: true });
    await cp(from, target, { recursive: true, verbatimSymlinks: true, force: true });
  }
}

async function run({ command, cacheMounts }: Extract<Instruction, { kind: 'RUN' }>, { state, options }: Build) {
  const home = state.user === 'root' ? '/root' : `/home/${state.user}`;
  const mounted: string[] = [];
  for (const target of cacheMounts) {
    const inRoot = join(state.root, target);
    const persistent = options.cacheFor(target);
    await mkdir(persistent, { recursive: true });
    await mkdir(dirname(inRoot), { recursive: true });
    await rm(inRoot, { recursive: true, force: true });
    await symlink(persistent, inRoot);
    mounted.push(inRoot);
  }
  options.log(`RUN ${command}`);
  try {
    const child = spawn('sh', ['-c', command], {
      cwd: inStage(state, '.'),
      env: {
        PATH: `${options.nodeBinDir}:/usr/local/bin:/usr/bin:/bin`,
        HOME: join(state.root, home),
        ...options.networkEnv,
        ...state.env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`RUN ${command} exited with ${code ?? 'a signal'}`);
  } finally {
    // Like a mount, the cache is not part of the stage's filesystem.
    for (const inRoot of mounted) if ((await lstat(inRoot)).isSymbolicLink()) await rm(inRoot);
  }
}
