import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';

/** A process started for the rehearsal, with its output kept for when something fails. */
export type Started = { name: string; child: ChildProcess; startedAt: number; output: () => string };

export function startProcess(
  name: string,
  argv: string[],
  options: { cwd: string; env: Record<string, string>; uid?: number; gid?: number },
): Started {
  const [executable = '', ...args] = argv;
  const child = spawn(executable, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString('utf8'));
    if (lines.length > 400) lines.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, child, startedAt: performance.now(), output: () => lines.join('') };
}

/** Resolves with the exit code; fails, showing the output, after `timeoutMs`. */
export async function exitOf(started: Started, timeoutMs: number): Promise<number> {
  const { child } = started;
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const timer = delay(timeoutMs, 'timeout' as const);
  const outcome = await Promise.race([exited, timer]);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(`${started.name} did not exit within ${timeoutMs} ms:\n${started.output()}`);
  }
  const [code, signal] = outcome;
  return code ?? (signal ? 128 : 1);
}

/**
 * Polls `url` until it answers 200 (the process has just started, so there is
 * no event to await from outside it); fails early if the process exits.
 * Resolves with the milliseconds from the process's start to its first 200.
 */
export async function readyWithin(started: Started, url: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    if (started.child.exitCode !== null) {
      throw new Error(
        `${started.name} exited with ${started.child.exitCode} before ${url} was ready:\n${started.output()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return Math.round(performance.now() - started.startedAt);
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await delay(25);
  }
  throw new Error(`${started.name}: ${url} not ready within ${timeoutMs} ms (last: ${last}):\n${started.output()}`);
}

/** SIGTERM, then the exit code of a graceful shutdown. */
export async function stopGracefully(started: Started, timeoutMs: number): Promise<number> {
  if (started.child.exitCode === null) started.child.kill('SIGTERM');
  return exitOf(started, timeoutMs);
}
