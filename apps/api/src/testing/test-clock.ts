/**
 * The clock the auth use cases read (`startTestApi(config, { clock })`):
 * tests move time (step-up windows, TOTP steps, challenge TTLs) instead of waiting.
 */
export function createTestClock(startMs = Date.now()) {
  return {
    nowMs: startMs,
    now() {
      return this.nowMs;
    },
    advanceSeconds(seconds: number) {
      this.nowMs += seconds * 1000;
    },
  };
}

/** A start in the middle of a 30 s TOTP step, so no code sits on a step boundary. */
export const midTotpStep = (stepMs = 30_000) => Math.floor(Date.now() / stepMs) * stepMs + stepMs / 2;
