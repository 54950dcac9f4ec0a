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

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type StopSignals = {
  /** Resolves with the first stop signal. */
  stopped: Promise<NodeJS.Signals>;
  /** Whether a stop signal has arrived yet. */
  received: () => boolean;
};

/**
 * Listens for SIGINT, SIGTERM and SIGHUP for the rest of the process's life.
 * Call it first thing: a Ctrl-C reaches every process of the terminal's group,
 * and npm and tsx forward it again, so one keypress can arrive as two signals;
 * one more arrives when the user presses Ctrl-C again while we clean up. With
 * no listener left, any of them would end the process before the cleanups ran.
 */
export function listenForStopSignals(): StopSignals {
  let first: NodeJS.Signals | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of STOP_SIGNALS) {
      process.on(signal, () => {
        if (first) return;
        first = signal;
        resolve(signal);
      });
    }
  });
  return { stopped, received: () => first !== undefined };
}

/**
 * Runs the processes until a stop signal arrives or one of them exits, then
 * stops the rest (SIGTERM, so they shut down gracefully) and runs `cleanup`.
 * Resolves with the exit code this script should end with.
 *
 * @param options.signals from an earlier `listenForStopSignals()`; listens from now on if not given
 */
export async function superviseUntilStopped(
  processes: Supervised[],
  options: { stopTimeoutMs: number; cleanup: () => Promise<void>; signals?: StopSignals },
): Promise<number> {
  const firstExit = Promise.race(
    processes.map(({ name, child }) =>
      once(child, 'exit').then(([code]) => ({ reason: `${name} exited`, code: typeof code === 'number' ? code : 1 })),
    ),
  );
  const signal = (options.signals ?? listenForStopSignals()).stopped.then((name) => ({ reason: name, code: 0 }));
  const outcome = await Promise.race([firstExit, signal]);
  console.error(`[groundwork] ${outcome.reason}; stopping`);
  await Promise.all(processes.map((supervised) => stopProcess(supervised, options.stopTimeoutMs)));
  await options.cleanup();
  return outcome.code;
}
