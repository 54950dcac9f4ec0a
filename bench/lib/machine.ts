import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

type CpuTimes = { idle: number; total: number };

function readCpuTimes(): Map<string, CpuTimes> {
  const times = new Map<string, CpuTimes>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^(cpu\d*)\s+(.*)$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const fields = match[2].split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait count as idle.
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    times.set(match[1], { idle, total: fields.slice(0, 8).reduce((sum, value) => sum + value, 0) });
  }
  return times;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux everywhere we run

/** CPU seconds a process has used so far (user + system), from /proc; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread alone: its event loop, without libuv's pool or worker threads. */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuSeconds(path: string): number {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy share (0–1) of each CPU (`cpu` is all of them) over the last `ms`. */
export async function cpuBusy(ms: number): Promise<Map<string, number>> {
  const before = readCpuTimes();
  await delay(ms);
  const after = readCpuTimes();
  const busy = new Map<string, number>();
  for (const [name, end] of after) {
    const start = before.get(name);
    if (!start || end.total === start.total) continue;
    busy.set(name, 1 - (end.idle - start.idle) / (end.total - start.total));
  }
  return busy;
}

/**
 * Samples CPU use while a measurement runs, so the run can say afterwards
 * how busy the machine was with things other than the benchmark.
 */
export function watchCpu() {
  const before = readCpuTimes();
  return {
    /**
     * The share of the machine's CPU time used by processes other than the
     * benchmark's own (`ownCpuSeconds`: server and load generator) since the watch began.
     */
    othersShare(ownCpuSeconds: number): number {
      const after = readCpuTimes();
      const start = before.get('cpu');
      const end = after.get('cpu');
      if (!start || !end || end.total === start.total) return 0;
      const busySeconds = (end.total - start.total - (end.idle - start.idle)) / TICKS_PER_SECOND;
      return Math.max(0, (busySeconds - ownCpuSeconds) / ((end.total - start.total) / TICKS_PER_SECOND));
    },
  };
}

/**
 * Waits (up to `maxWaitMs`) until the whole machine has been at most
 * `threshold` busy for one second: other engineers' test runs share these
 * cores. Resolves with the busy share last seen, quiet or not.
 */
export async function waitForQuiet(options: { threshold: number; maxWaitMs: number }): Promise<number> {
  const deadline = performance.now() + options.maxWaitMs;
  let busy = 1;
  do {
    busy = (await cpuBusy(1_000)).get('cpu') ?? 0;
    if (busy <= options.threshold) return busy;
  } while (performance.now() < deadline);
  return busy;
}

/** The CPUs the server and the load generator get; with one CPU both share it (noted in the output). */
export function pinning(): { server: string; load: string; pinned: boolean } {
  const count = cpus().length;
  let taskset = false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    taskset = true;
  } catch {
    taskset = false;
  }
  if (!taskset || count < 2) return { server: '0', load: '0', pinned: false };
  return { server: String(count - 2), load: String(count - 1), pinned: true };
}

/** `argv` prefixed with taskset when pinning is possible. */
export function pinned(cpu: string, enabled: boolean, argv: string[]): string[] {
  return enabled ? ['taskset', '-c', cpu, ...argv] : argv;
}

/** Peak resident set (VmHWM) of a process, in MiB; 0 once it is gone. */
export function peakRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    return Math.round(kib / 1024);
  } catch {
    return 0;
  }
}

/** One line for the table's heading: the machine, and the Node version the measured servers ran on. */
export function describeMachine(serverNodeVersion: string): string {
  const list = cpus();
  return `${list[0]?.model.trim() ?? 'unknown CPU'}, ${list.length} CPUs, servers on Node ${serverNodeVersion}`;
}
