import type { BenchServer } from './servers.js';
import { runLoad, type LoadResult, type LoadSpec } from './load.js';
import { processCpuSeconds, waitForQuiet, watchCpu } from './machine.js';

export type Placement = { server: string; load: string; pinned: boolean };
export type Timing = { rounds: number; warmupSeconds: number; durationSeconds: number; quietWaitMs: number };
/** `serverCpuUs`: the server's CPU time (user + system) per answered request, in µs: steadier than req/s on a shared machine. */
export type Sample = LoadResult & { othersShare: number; waitedBusy: number; serverCpuUs: number };
export type Figures = {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  peakRssMiB: number;
  /** Median server CPU µs per request. */
  serverCpuUs: number;
  samples: Sample[];
  /** Rounds during which other processes used more than NOISY of the machine. */
  noisyRounds: number;
  errors: number;
};

/** Above this share of the machine used by others during a round, the round is flagged as noisy. */
export const NOISY = 0.1;
/** Wait for the machine to be at most this busy before a round. */
const QUIET = 0.15;

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** One round: wait for quiet, warm up, then measure while watching what else ran. */
export async function measureRound(
  server: BenchServer,
  spec: Omit<LoadSpec, 'durationSeconds'>,
  options: { placement: Placement; timing: Timing },
): Promise<Sample> {
  const { placement, timing } = options;
  const at = { cpu: placement.load, pin: placement.pinned };
  const waitedBusy = await waitForQuiet({ threshold: QUIET, maxWaitMs: timing.quietWaitMs });
  if (timing.warmupSeconds > 0) await runLoad({ ...spec, durationSeconds: timing.warmupSeconds }, at);
  const pid = server.child.pid ?? 0;
  const serverBefore = processCpuSeconds(pid);
  const watch = watchCpu();
  const result = await runLoad({ ...spec, durationSeconds: timing.durationSeconds }, at);
  const serverSeconds = processCpuSeconds(pid) - serverBefore;
  const othersShare = watch.othersShare(serverSeconds + result.cpuSeconds);
  const answered = Math.max(1, result.requestsPerSecond * timing.durationSeconds);
  return { ...result, othersShare, waitedBusy, serverCpuUs: Math.round((serverSeconds * 1e6) / answered) };
}

/** Several rounds against one server; medians, the server's peak RSS, and the noise seen. */
export async function measure(
  server: BenchServer,
  spec: Omit<LoadSpec, 'durationSeconds'>,
  options: { placement: Placement; timing: Timing },
): Promise<Figures> {
  const samples: Sample[] = [];
  for (let round = 0; round < options.timing.rounds; round += 1)
    samples.push(await measureRound(server, spec, options));
  return {
    requestsPerSecond: median(samples.map((sample) => sample.requestsPerSecond)),
    p50: median(samples.map((sample) => sample.p50)),
    p99: median(samples.map((sample) => sample.p99)),
    peakRssMiB: server.peakRssMiB(),
    serverCpuUs: median(samples.map((sample) => sample.serverCpuUs)),
    samples,
    noisyRounds: samples.filter((sample) => sample.othersShare > NOISY).length,
    errors: samples.reduce((sum, sample) => sum + sample.non2xx + sample.errors, 0),
  };
}
