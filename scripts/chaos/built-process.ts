import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import { readyWithin, type Started, startProcess } from '../image/processes.js';

const running = (child: ChildProcess | undefined): child is ChildProcess =>
  child?.exitCode === null && child.signalCode === null;

/**
 * One built entry point (`apiArgv()` or `node dist/worker.js`) that the
 * suite starts, SIGKILLs and starts again with the same environment.
 */
export function builtProcess(options: { name: string; argv: string[]; env: Record<string, string>; readyUrl: string }) {
  let current: Started | null = null;
  let starts = 0;
  const earlierOutput: string[] = [];

  return {
    name: options.name,
    get pid(): number | undefined {
      return current?.child.pid;
    },
    alive: () => running(current?.child),
    /** Starts it and resolves once its /ready answers 200; the milliseconds that took. */
    async start(): Promise<number> {
      if (current) earlierOutput.push(current.output());
      starts += 1;
      current = startProcess(`${options.name}#${starts}`, options.argv, {
        cwd: process.cwd(),
        env: options.env,
      });
      return readyWithin(current, options.readyUrl, 60_000);
    },
    /** A real SIGKILL; resolves on the exit event. */
    async kill(): Promise<void> {
      const child = current?.child;
      if (!running(child)) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    /** SIGTERM (a graceful stop), then SIGKILL if it takes over 10 s. */
    async stop(): Promise<void> {
      const child = current?.child;
      if (!running(child)) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    output: () => [...earlierOutput, current?.output() ?? ''].join('\n'),
  };
}

export type BuiltProcess = ReturnType<typeof builtProcess>;
