import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, test } from 'vitest';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/supervised-session.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once everything `stream` has written so far matches `pattern`. */
function outputMatching(stream: Readable | null, pattern: RegExp): Promise<RegExpExecArray> {
  let text = '';
  return new Promise((resolve, reject) => {
    stream?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) resolve(match);
    });
    stream?.on('end', () => reject(new Error(`the output ended without matching ${String(pattern)}:\n${text}`)));
  });
}

describe('superviseUntilStopped', () => {
  const leftovers: number[] = [];
  afterEach(() => {
    for (const pid of leftovers.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  });

  test('when the terminal sends Ctrl-C to the whole process group, twice, then the cleanup runs exactly once and the helper it stops is gone', async () => {
    // Arrange: run through tsx in a process group of its own, as a terminal runs `npm run dev`.
    const marker = join(mkdtempSync(join(tmpdir(), 'groundwork-supervise-')), 'cleanups');
    const session: ChildProcess = spawn(TSX, [FIXTURE, marker], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(session, 'exit');
    // The helper runs, and the app has its SIGTERM handler (so stopping it takes the whole timeout).
    const [[, helperPid], [, appPid]] = await Promise.all([
      outputMatching(session.stdout, /^helper (\d+)$/m),
      outputMatching(session.stdout, /^app ready (\d+)$/m),
    ]);
    const [helper, app] = [Number(helperPid), Number(appPid)];
    leftovers.push(helper, app);
    const stopping = outputMatching(session.stderr, /SIGINT; stopping/);

    // Act: Ctrl-C, then Ctrl-C again while the app is still being stopped.
    process.kill(-(session.pid ?? 0), 'SIGINT');
    await stopping;
    process.kill(-(session.pid ?? 0), 'SIGINT');
    const [code] = (await exited) as [number | null];

    // Assert
    expect(code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('cleanup\n');
    expect(isRunning(helper)).toBe(false);
    expect(isRunning(app)).toBe(false);
  });
});
