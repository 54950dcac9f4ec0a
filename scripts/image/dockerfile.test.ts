import { readFile } from 'node:fs/promises';

import { describe, expect, test } from 'vitest';

import { DockerfileError, parseDockerfile } from './dockerfile.js';

describe('parseDockerfile', () => {
  test('when a file uses stages, continuations, cache mounts and build arguments, then each instruction is read as Docker reads it', () => {
    const parsed = parseDockerfile(
      [
        'ARG NODE_VERSION=24.1.0',
        'FROM node:${NODE_VERSION}-slim AS build',
        'WORKDIR /app',
        '# a comment',
        'RUN --mount=type=cache,target=/root/.npm npm ci \\',
        '    # inside a continuation',
        '    && echo $HOME',
        'COPY --from=build /app/dist ./dist',
        'ENV NODE_ENV=production',
        'CMD ["node", "dist/api.js"]',
      ].join('\n'),
    );

    expect(parsed.stages).toHaveLength(1);
    expect(parsed.stages[0]?.base).toBe('node:24.1.0-slim');
    expect(parsed.stages[0]?.instructions).toEqual([
      { kind: 'WORKDIR', path: '/app' },
      { kind: 'RUN', command: 'npm ci && echo $HOME', cacheMounts: ['/root/.npm'] },
      { kind: 'COPY', from: 'build', sources: ['/app/dist'], destination: './dist' },
      { kind: 'ENV', name: 'NODE_ENV', value: 'production' },
      { kind: 'CMD', argv: ['node', 'dist/api.js'] },
    ]);
  });

  test.each([
    ['ADD . /app', /ADD is not supported/],
    ['COPY --chown=node . .', /--chown is not supported/],
    ['RUN --mount=type=secret,id=x true', /only cache mounts/],
    ['CMD node dist/api.js', /exec form/],
  ])('when the file uses %s, then the rehearsal refuses it rather than skip it', (line, message) => {
    expect(() => parseDockerfile(`FROM node AS a\n${line}`)).toThrow(message);
  });

  test('when a stage has no name, then it is refused', () => {
    expect(() => parseDockerfile('FROM node\nRUN true')).toThrow(DockerfileError);
  });
});

describe('the Dockerfile', () => {
  test('when read, then the rehearsal understands every instruction and production runs the .nvmrc Node', async () => {
    const dockerfile = parseDockerfile(await readFile('Dockerfile', 'utf8'));
    const nvmrc = (await readFile('.nvmrc', 'utf8')).trim();

    expect(dockerfile.args.NODE_VERSION).toBe(nvmrc);
    expect(dockerfile.stages.at(-1)?.base).toBe(`node:${nvmrc}-bookworm-slim`);
    expect(dockerfile.stages.at(-1)?.instructions).toContainEqual({ kind: 'USER', user: 'node' });
  });
});
