import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { createLogCapture, type LogLine } from './log-capture.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

export type ServiceProcess = {
  child: ChildProcess;
  waitForLog: (predicate: (line: LogLine) => boolean) => Promise<LogLine>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * Runs an app's entry point as its own process, exactly as `npm run start:*`
 * does, with only the given variables (plus PATH) in its environment and a
 * working directory without a .env file.
 */
export function spawnService(entry: string, env: Record<string, string>, cwd: string): ServiceProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, `${REPO_ROOT}/${entry}`], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = createLogCapture();
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const end = text.lastIndexOf('\n');
    partial = text.slice(end + 1);
    if (end >= 0) logs.stream.write(text.slice(0, end + 1));
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, waitForLog: logs.waitFor, stderr: () => stderr, exited };
}
