import type { Logger } from 'pino';

import { withTimeout } from './with-timeout.js';

/**
 * A readiness check evaluated on a timer rather than per probe: too costly
 * for the probe's request path (a call to a third party), or a state that only
 * needs watching until it is reached (applied migrations).
 */
export type BackgroundCheck = {
  /**
   * Resolves with `ok`, or a short description of what is wrong that anyone may
   * read (it is served by `/ready`: never a secret). A throw counts as `failed`;
   * the error goes to the log.
   */
  run: () => Promise<string>;
  /** Gating: not `ok` makes the process unready. Otherwise the state is only reported. */
  gating: boolean;
  /** Time from the end of one run to the start of the next. */
  intervalMs: number;
  /** Bound of one run, when it differs from the probe's per-dependency budget. */
  timeoutMs?: number;
  /** Stop once `ok`, for a state that does not regress while the process runs. */
  untilOk?: boolean;
};

export type BackgroundCheckState = { state: string; gating: boolean };

export type BackgroundChecks = {
  /** The latest state of each check: `unknown` before its first run ends. */
  states: () => Record<string, BackgroundCheckState>;
  /** Resolves once every gating check has finished its first run. */
  firstResults: () => Promise<void>;
  /** Cancels the timers; a run in flight finishes but schedules nothing. */
  stop: () => void;
};

/**
 * Starts each check now and again `intervalMs` after each run. A run is
 * bounded by `timeoutMs` (then it is `failed`), but the next one starts only
 * once the previous has really settled, so a hung dependency never has two
 * runs holding its connections. Timers are unref'd: they never keep a process
 * alive. Every change of state is logged: an error for a gating check that is
 * not ok, a warning for another one, info when it is ok again.
 */
export function startBackgroundChecks(
  checks: Record<string, BackgroundCheck>,
  options: { timeoutMs: number; logger: Logger },
): BackgroundChecks {
  const { logger } = options;
  let stopped = false;
  const states = new Map<string, BackgroundCheckState>();
  const timers = new Set<NodeJS.Timeout>();
  const gatingFirstResults: Promise<unknown>[] = [];

  function record(name: string, next: string, err?: unknown) {
    const current = states.get(name);
    if (!current || current.state === next) return;
    current.state = next;
    if (next === 'ok') logger.info({ check: name }, `${name} check: ok`);
    else
      (current.gating ? logger.error : logger.warn).call(
        logger,
        { check: name, state: next, err },
        `${name} check: ${next}`,
      );
  }

  function evaluate(name: string, check: BackgroundCheck): Promise<string> {
    const work = Promise.resolve().then(check.run);
    const result = withTimeout(work, check.timeoutMs ?? options.timeoutMs, `${name} check`).then(
      (state) => {
        record(name, state);
        return state;
      },
      (err: unknown) => {
        record(name, 'failed', err);
        return 'failed';
      },
    );
    void Promise.allSettled([work, result]).then(() => {
      if (stopped || (check.untilOk && states.get(name)?.state === 'ok')) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void evaluate(name, check);
      }, check.intervalMs);
      timer.unref();
      timers.add(timer);
    });
    return result;
  }

  for (const [name, check] of Object.entries(checks)) {
    states.set(name, { state: 'unknown', gating: check.gating });
    const first = evaluate(name, check);
    if (check.gating) gatingFirstResults.push(first);
  }
  const allFirstResults = Promise.all(gatingFirstResults).then(() => undefined);

  return {
    states: () => Object.fromEntries([...states].map(([name, state]) => [name, { ...state }])),
    firstResults: () => allFirstResults,
    stop: () => {
      stopped = true;
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
    },
  };
}
