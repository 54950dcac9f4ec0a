import { middleware } from '../t.js';

/** Times every procedure call and counts rate-limit refusals, labelled by path and outcome. */
export const observeProcedure = middleware(async function observeProcedure({ ctx, path, next }) {
  const stop = ctx.services.metrics.procedureDuration.startTimer({ path });
  const result = await next();
  const code = result.ok ? 'OK' : result.error.code;
  stop({ code });
  if (code === 'TOO_MANY_REQUESTS') ctx.services.metrics.rateLimited.inc({ path });
  return result;
});
