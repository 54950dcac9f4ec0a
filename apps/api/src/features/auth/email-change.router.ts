import { okOutput } from '../../http/shared.schema.js';
import { rateLimit } from '../../trpc/middlewares/rate-limit.js';
import { requireEmailDelivery } from '../../trpc/middlewares/require-email-delivery.js';
import { requireRecentAuthentication } from '../../trpc/middlewares/require-recent-authentication.js';
import { protectedProcedure, publicProcedure } from '../../trpc/procedures.js';
import { confirmEmailChangeInput, confirmEmailChangeOutput, requestEmailChangeInput } from './auth.schema.js';

const tags = ['auth'];

/**
 * Changing the account's address: a step-up action (ADR 026) confirmed from
 * the new mailbox. Spread into `auth`, so clients call `auth.requestEmailChange`
 * and `auth.confirmEmailChange`.
 */
export const emailChangeProcedures = {
  requestEmailChange: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/request-email-change',
        tags,
        protect: true,
        summary:
          'E-mail a confirmation link to a new address (needs a recent sign-in); the account moves when it is used. PRECONDITION_FAILED while e-mail delivery is off',
      },
    })
    .use(requireEmailDelivery)
    // recentAuthProcedure's step-up, after the e-mail check: nobody re-enters a password for a mail that cannot leave.
    .use(requireRecentAuthentication)
    .use(rateLimit('accountEmail'))
    .input(requestEmailChangeInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.requestLimits.consumeFor('accountEmail', `user:${ctx.session.userId}`);
      await ctx.services.auth.requestEmailChange(ctx.session, input.newEmail, ctx.request);
      return { ok: true as const };
    }),

  confirmEmailChange: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/confirm-email-change',
        tags,
        summary: 'Move the account to the new address with the link mailed there (works once, newest link only)',
      },
    })
    .input(confirmEmailChangeInput)
    .output(confirmEmailChangeOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.confirmEmailChange(input.token, ctx.request)),
};
