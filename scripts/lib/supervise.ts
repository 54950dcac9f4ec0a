import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export type Supervised = { name: string; child: ChildProcess };

/** Starts a long-running process that shares this terminal. */
export function startProcess(name: string, command: string[], env: Record<string, string | undefined>): Supervised {
  const [executable = '', ...args] = command;
  // Its own process group: a Ctrl-C in the terminal reaches only this supervisor,
  // which then stops each child once, gracefully, instead of every process
  // getting the signal twice (which our apps treat as "exit now").
  const child = spawn(executable, args, { env, stdio: 'inherit', detached: true });
  return { name, child };
}

async function stopProcess({ child }: Supervised, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs the processes until a signal arrives or one of them exits, then stops
 * the rest (SIGTERM, so they shut down gracefully) and runs `cleanup`.
 * Resolves with the exit code this script should end with.
 */
export async function superviseUntilStopped(
  processes: Supervised[],
  options: { stopTimeoutMs: number; cleanup: () => Promise<void> },
): Promise<number> {
  const firstExit = Promise.race(
    processes.map(({ name, child }) =>
      once(child, 'exit').then(([code]) => ({ reason: `${name} exited`, code: typeof code === 'number' ? code : 1 })),
    ),
  );
  const signal = new Promise<{ reason: string; code: number }>((resolve) => {
    process.once('SIGINT', () => resolve({ reason: 'SIGINT', code: 0 }));
    process.once('SIGTERM', () => resolve({ reason: 'SIGTERM', code: 0 }));
    process.once('SIGHUP', () => resolve({ reason: 'SIGHUP', code: 0 }));
  });
  const outcome = await Promise.race([firstExit, signal]);
  console.error(`[groundwork] ${outcome.reason}; stopping`);
  await Promise.all(processes.map((supervised) => stopProcess(supervised, options.stopTimeoutMs)));
  await options.cleanup();
  return outcome.code;
}
