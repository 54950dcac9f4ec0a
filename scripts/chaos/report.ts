import type { RoundResult, Sample } from './rounds.js';

/** The nearest-rank percentile of `values` (0 when empty). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/**
 * Splits latency samples by fault window: a window runs from a fault's
 * injection to its round's convergence (everything visible and settled), and
 * a sample is inside when its own interval overlaps one.
 */
export function splitByFaultWindows(rounds: RoundResult[]): { inside: Sample[]; outside: Sample[] } {
  const windows = rounds
    .filter((round) => round.injectedAt !== null)
    .map((round) => ({ from: round.injectedAt as number, to: round.convergedAt }));
  const overlaps = (sample: Sample) => windows.some((w) => sample.acceptedAt <= w.to && sample.visibleAt >= w.from);
  const inside: Sample[] = [];
  const outside: Sample[] = [];
  for (const sample of rounds.flatMap((round) => round.samples)) (overlaps(sample) ? inside : outside).push(sample);
  return { inside, outside };
}

const latency = (sample: Sample) => sample.visibleAt - sample.acceptedAt;

const ms = (value: number) => `${Math.round(value)} ms`;

function latencyLine(label: string, values: number[]): string {
  if (values.length === 0) return `| ${label} | 0 | - | - | - |`;
  return `| ${label} | ${values.length} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 99))} | ${ms(Math.max(...values))} |`;
}

function partsLine(label: string, samples: Sample[]): string {
  if (samples.length === 0) return `| ${label} | 0 | - | - |`;
  const stored = samples.map((sample) => sample.storedAt - sample.acceptedAt);
  const shown = samples.map((sample) => sample.visibleAt - sample.storedAt);
  const pair = (values: number[]) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;
  return `| ${label} | ${samples.length} | ${pair(stored)} | ${pair(shown)} |`;
}

/** The figures as Markdown, ready for docs/operations.md. */
export function formatReport(
  rounds: RoundResult[],
  totals: { organizations: number; ratePerSecond: number; processingMs: number[] },
): string {
  const { inside, outside } = splitByFaultWindows(rounds);
  const lines = [
    `Organizations: ${totals.organizations}; storm rate: ${totals.ratePerSecond} deliveries/s split across 2 APIs`,
    '',
    '| round | fault | events | deliveries (retries) | fault → back | back → converged | visible p50 / p99 |',
    '|---|---|--:|--:|--:|--:|--:|',
    ...rounds.map((round) => {
      const back = round.backAt !== null && round.injectedAt !== null ? ms(round.backAt - round.injectedAt) : '-';
      const converged = round.backAt !== null ? ms(round.convergedAt - round.backAt) : '-';
      const latencies = round.samples.map(latency);
      const visible = `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`;
      return `| ${round.name} | ${round.fault ?? 'none'} | ${round.events} | ${round.deliveries} (${round.retries}) | ${back} | ${converged} | ${visible} |`;
    }),
    '',
    'Webhook accepted → entitlement visible on both APIs (per organization and change):',
    '',
    '| window | samples | p50 | p99 | max |',
    '|---|--:|--:|--:|--:|',
    latencyLine('inside fault windows', inside.map(latency)),
    latencyLine('outside fault windows', outside.map(latency)),
    latencyLine('stored → processed (database clock, all events)', totals.processingMs),
    '',
    // Where the time goes: the worker's pipeline, or the APIs' caches and their answer to the measuring call.
    'The same samples in two parts: accepted → the database holds the change, then → both APIs have answered with it:',
    '',
    '| window | samples | to the database p50 / p99 | then to both APIs p50 / p99 |',
    '|---|--:|--:|--:|',
    partsLine('inside fault windows', inside),
    partsLine('outside fault windows', outside),
  ];
  const last = rounds.filter((round) => round.backAt !== null).at(-1);
  if (last?.backAt != null) {
    lines.push(
      '',
      `Convergence after the last fault (${last.fault}): ${ms(last.convergedAt - last.backAt)} after it was back.`,
    );
  }
  return lines.join('\n');
}
