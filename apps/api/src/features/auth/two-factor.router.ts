import { z } from 'zod';

import { protectedProcedure, recentAuthProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import {
  confirmTwoFactorInput,
  confirmTwoFactorOutput,
  disableTwoFactorInput,
  disableTwoFactorOutput,
  enrollTwoFactorOutput,
} from './two-factor.schema.js';

const tags = ['auth'];

/** `auth.twoFactor.*`: TOTP enrolment, confirmation and removal (ADR 026). */
export const twoFactorRouter = router({
  enroll: recentAuthProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/two-factor/enroll',
        tags,
        protect: true,
        summary: 'Start TOTP enrolment: an otpauth URI and its QR code (needs a recent sign-in)',
      },
    })
    .input(z.void())
    .output(enrollTwoFactorOutput)
    .mutation(({ ctx }) => ctx.services.auth.twoFactor.enroll(ctx.session, ctx.request)),

  confirm: recentAuthProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/two-factor/confirm',
        tags,
        protect: true,
        summary: 'Confirm TOTP with a first code; answers ten single-use recovery codes (needs a recent sign-in)',
      },
    })
    .input(confirmTwoFactorInput)
    .output(confirmTwoFactorOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.twoFactor.confirm(ctx.session, input, ctx.request)),

  // The password and a code are checked here, which is itself the step-up.
  disable: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/two-factor/disable',
        tags,
        protect: true,
        summary: 'Turn two-factor off with the password and a TOTP or recovery code',
      },
    })
    .input(disableTwoFactorInput)
    .output(disableTwoFactorOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.twoFactor.disable(ctx.session, input, ctx.request)),
});
