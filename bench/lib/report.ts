import type { Figures } from './measure.js';

type Row = { target: { key: string; name: string; reference?: boolean }; figures: Figures };

/** Issue 10's goals, as ratios to the stock tRPC-on-Express echo measured in the same run. */
const GOALS: Record<string, { rps?: number; stretchRps?: number; p99?: number; rss?: number }> = {
  gated: { rps: 1.0, stretchRps: 1.4, p99: 1.0, rss: 1.0 },
  public: { rps: 1.2 },
};

const ratio = (value: number, reference: number) => (reference > 0 ? value / reference : Number.NaN);
const times = (value: number) => `${value.toFixed(2)}×`;

function verdict(key: string, ratios: { rps: number; p99: number; rss: number }): string {
  const { rps, p99, rss } = ratios;
  const goal = GOALS[key];
  if (!goal) return '';
  const parts: string[] = [];
  if (goal.rps !== undefined) {
    const stretch = goal.stretchRps !== undefined && rps >= goal.stretchRps ? ' (stretch met)' : '';
    parts.push(`req/s ≥ ${goal.rps}× ${rps >= goal.rps ? 'met' : 'MISSED'}${stretch}`);
  }
  if (goal.p99 !== undefined) parts.push(`p99 ≤ ${goal.p99}× ${p99 <= goal.p99 ? 'met' : 'MISSED'}`);
  if (goal.rss !== undefined) parts.push(`RSS ≤ ${goal.rss}× ${rss <= goal.rss ? 'met' : 'MISSED'}`);
  return parts.join('; ');
}

/** The main table, in Markdown so it can be pasted into the README as is. */
export function printTable(rows: Row[], options: { noisy: number; date: Date }): void {
  const reference = rows.find((row) => row.target.reference)?.figures;
  console.log(`\nMeasured ${options.date.toISOString().slice(0, 16).replace('T', ' ')} UTC (medians over rounds)\n`);
  console.log(
    '| target | req/s | ÷ ref | p50 ms | p99 ms | ÷ ref | peak RSS MiB | ÷ ref | server CPU µs/req | ÷ ref | noisy rounds | goal |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const { target, figures } of rows) {
    const rps = ratio(figures.requestsPerSecond, reference?.requestsPerSecond ?? 0);
    const p99 = ratio(figures.p99, reference?.p99 ?? 0);
    const rss = ratio(figures.peakRssMiB, reference?.peakRssMiB ?? 0);
    const cpu = ratio(figures.serverCpuUs, reference?.serverCpuUs ?? 0);
    const errors = figures.errors > 0 ? ` (${figures.errors} non-2xx/errors!)` : '';
    console.log(
      `| ${target.name}${target.reference ? ' (ref)' : ''}${errors} | ${figures.requestsPerSecond} | ${times(rps)} | ` +
        `${figures.p50} | ${figures.p99} | ${times(p99)} | ${figures.peakRssMiB} | ${times(rss)} | ` +
        `${figures.serverCpuUs} | ${times(cpu)} | ` +
        `${figures.noisyRounds}/${figures.samples.length} | ${verdict(target.key, { rps, p99, rss })} |`,
    );
  }
  const worst = Math.max(...rows.flatMap((row) => row.figures.samples.map((sample) => sample.othersShare)));
  console.log(
    `\nNoise: a round is noisy when other processes used more than ${Math.round(options.noisy * 100)} % of the ` +
      `machine during it; the worst round saw ${Math.round(worst * 100)} %.`,
  );
}

export function printScenarios(sections: string[]): void {
  for (const section of sections) console.log(`\n${section}`);
}
