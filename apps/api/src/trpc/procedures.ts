import { mapAppError } from './middlewares/map-app-error.js';
import { requireSession } from './middlewares/require-session.js';
import { baseProcedure } from './t.js';

/** Anyone may call. Domain errors are mapped to tRPC codes. */
export const publicProcedure = baseProcedure.use(mapAppError);

/** A valid access token is required; `ctx.session` is non-null downstream. */
export const protectedProcedure = publicProcedure.use(requireSession);

// The plan-gated procedure (an entitled organization, else PAYMENT_REQUIRED)
// is built on protectedProcedure here by the billing feature.
