import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';

import { peakRssMiB, pinned } from './machine.js';

export type BenchServer = { child: ChildProcess; peakRssMiB: () => number; stop: () => Promise<void> };

/**
 * Starts a server process (pinned to `cpu` when possible) and resolves once
 * `readyUrl` answers 200 (polled: the process offers no event to await from outside).
 */
export async function startServer(options: {
  argv: string[];
  env: Record<string, string>;
  cpu: string;
  pin: boolean;
  readyUrl: string;
}): Promise<BenchServer> {
  const [executable = '', ...args] = pinned(options.cpu, options.pin, options.argv);
  // stdout goes nowhere, as in a container whose log driver is elsewhere; stderr is kept for failures.
  const child = spawn(executable, args, { env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.argv.join(' ')} exited early:\n${stderr}`);
    const ok = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1_000) })
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ok) break;
    if (performance.now() > deadline) throw new Error(`${options.readyUrl} not ready:\n${stderr}`);
    await delay(50);
  }
  const pid = child.pid ?? 0;
  return {
    child,
    peakRssMiB: () => peakRssMiB(pid),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const exited = once(child, 'exit');
      const timeout = delay(15_000).then(() => child.kill('SIGKILL'));
      await Promise.race([exited, timeout]);
    },
  };
}
