import { middleware } from '../t.js';

/**
 * For procedures that exist only to send an e-mail: while delivery is off
 * (EMAIL_DELIVERY=disabled), PRECONDITION_FAILED with
 * `data.details.reason === 'EMAIL_DELIVERY_DISABLED'`. Placed before their rate
 * limits and step-up, so a refusal counts nothing and asks for no password (ADR 038).
 */
export const requireEmailDelivery = middleware(function requireEmailDelivery({ ctx, next }) {
  ctx.services.auth.requireEmailDelivery();
  return next();
});
