import { z } from 'zod';

import { okOutput } from '../../http/shared.schema.js';
import { rateLimit } from '../../trpc/middlewares/rate-limit.js';
import { requireEmailDelivery } from '../../trpc/middlewares/require-email-delivery.js';
import { protectedProcedure, publicProcedure, recentAuthProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import {
  changePasswordInput,
  deleteAccountInput,
  deleteAccountOutput,
  loginInput,
  meOutput,
  publicUserOutput,
  refreshInput,
  requestPasswordResetInput,
  resetPasswordInput,
  revokeSessionInput,
  sessionsOutput,
  signupInput,
  tokensOutput,
  verifyEmailInput,
  verifyEmailOutput,
} from './auth.schema.js';
import { clearRefreshCookie, deliverRefreshCookie, presentedRefreshToken } from './refresh-cookie.middleware.js';
import { emailChangeProcedures } from './email-change.router.js';
import { passkeysRouter } from './passkeys.router.js';
import { twoFactorRouter } from './two-factor.router.js';
import {
  completeMfaInput,
  completeMfaWithPasskeyInput,
  mfaChallengeOutput,
  reauthenticateInput,
  reauthenticateOutput,
} from './two-factor.schema.js';

const tags = ['auth'];

export const authRouter = router({
  ...emailChangeProcedures,
  signup: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/signup',
        tags,
        summary: 'Create an account and its personal organization',
      },
    })
    .use(rateLimit('signup'))
    .use(deliverRefreshCookie('tokens'))
    .input(signupInput)
    .output(z.object({ user: publicUserOutput, tokens: tokensOutput }))
    .mutation(({ ctx, input }) => ctx.services.auth.signup(input, ctx.request)),

  login: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/login',
        tags,
        summary: 'Sign in with e-mail and password; with two-factor enabled, answers an MFA challenge instead',
      },
    })
    .use(deliverRefreshCookie())
    .input(loginInput)
    .output(z.union([tokensOutput, mfaChallengeOutput]))
    .mutation(({ ctx, input }) => ctx.services.auth.login(input, ctx.request)),

  completeMfa: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/complete-mfa',
        tags,
        summary: "Finish a sign-in: the login's MFA challenge and a TOTP or recovery code",
      },
    })
    .use(deliverRefreshCookie())
    .input(completeMfaInput)
    .output(tokensOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.completeMfa(input, ctx.request)),

  completeMfaWithPasskey: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/complete-mfa-with-passkey',
        tags,
        summary: "Finish a sign-in: the login's MFA challenge and a passkey's answer to its passkeyOptions",
      },
    })
    .use(deliverRefreshCookie())
    .input(completeMfaWithPasskeyInput)
    .output(tokensOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.completeMfaWithPasskey(input, ctx.request)),

  reauthenticate: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/reauthenticate',
        tags,
        protect: true,
        summary: 'Step up: the password (and a code with two-factor) opens the window for sensitive actions',
      },
    })
    .input(reauthenticateInput)
    .output(reauthenticateOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.reauthenticate(ctx.session, input, ctx.request)),

  twoFactor: twoFactorRouter,
  passkeys: passkeysRouter,

  refresh: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/refresh',
        tags,
        summary: 'Exchange a refresh token for a new pair (rotation)',
      },
    })
    .use(rateLimit('refresh'))
    .use(deliverRefreshCookie())
    .input(refreshInput)
    .use(presentedRefreshToken)
    .output(tokensOutput)
    .mutation(({ ctx }) => ctx.services.auth.refresh(ctx.refreshToken, ctx.request)),

  logout: protectedProcedure
    .meta({ openapi: { method: 'POST', path: '/auth/logout', tags, protect: true, summary: 'End this session' } })
    .use(clearRefreshCookie)
    .input(z.void())
    .output(okOutput)
    .mutation(async ({ ctx }) => {
      await ctx.services.auth.logout(ctx.session, ctx.request);
      return { ok: true as const };
    }),

  logoutAll: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/logout-all',
        tags,
        protect: true,
        summary: 'End every session of this user',
      },
    })
    .use(clearRefreshCookie)
    .input(z.void())
    .output(z.object({ revokedSessions: z.number() }))
    .mutation(({ ctx }) => ctx.services.auth.logoutAll(ctx.session, ctx.request)),

  changePassword: recentAuthProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/change-password',
        tags,
        protect: true,
        summary: 'Change the password; ends every other session (needs a recent sign-in)',
      },
    })
    .use(deliverRefreshCookie())
    .input(changePasswordInput)
    .output(tokensOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.changePassword(ctx.session, input, ctx.request)),

  deleteAccount: recentAuthProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/delete-account',
        tags,
        protect: true,
        summary: 'Delete my account (password required): sessions end, solely owned organizations are deleted',
      },
    })
    .use(clearRefreshCookie)
    .input(deleteAccountInput)
    .output(deleteAccountOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.deleteAccount(ctx.session, input, ctx.request)),

  sessions: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/auth/sessions', tags, protect: true, summary: 'My active sessions' } })
    .input(z.void())
    .output(sessionsOutput)
    .query(({ ctx }) => ctx.services.auth.sessions(ctx.session)),

  revokeSession: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/sessions/revoke',
        tags,
        protect: true,
        summary: 'End one of my sessions',
      },
    })
    .input(revokeSessionInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.revokeSession(ctx.session, input.sessionId, ctx.request);
      return { ok: true as const };
    }),

  me: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/auth/me',
        tags,
        protect: true,
        summary: 'The signed-in user and their organizations',
      },
    })
    .input(z.void())
    .output(meOutput)
    .query(({ ctx }) => ctx.services.auth.me(ctx.session)),

  verifyEmail: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/verify-email',
        tags,
        summary: 'Verify the e-mail address with the e-mailed link (works once, newest link only)',
      },
    })
    .input(verifyEmailInput)
    .output(verifyEmailOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.verifyEmail(input.token, ctx.request)),

  resendVerification: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/resend-verification',
        tags,
        protect: true,
        summary:
          'E-mail a fresh verification link (earlier links stop working); PRECONDITION_FAILED while e-mail delivery is off',
      },
    })
    .use(requireEmailDelivery)
    .use(rateLimit('accountEmail'))
    .input(z.void())
    .output(okOutput)
    .mutation(async ({ ctx }) => {
      await ctx.services.requestLimits.consumeFor('accountEmail', `user:${ctx.session.userId}`);
      await ctx.services.auth.resendVerification(ctx.session, ctx.request);
      return { ok: true as const };
    }),

  requestPasswordReset: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/request-password-reset',
        tags,
        summary:
          'E-mail a password-reset link if the address has an account; the answer is the same either way (PRECONDITION_FAILED for every address while e-mail delivery is off)',
      },
    })
    .use(requireEmailDelivery)
    .use(rateLimit('accountEmail'))
    .input(requestPasswordResetInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      // Counted per address whether or not it has an account, so the limit reveals nothing either.
      await ctx.services.requestLimits.consumeFor('accountEmail', `address:${input.email}`);
      await ctx.services.requestPasswordReset(input.email, ctx.request);
      return { ok: true as const };
    }),

  resetPassword: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/reset-password',
        tags,
        summary: 'Set a new password with the e-mailed link; every session ends',
      },
    })
    .input(resetPasswordInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.resetPassword(input, ctx.request);
      return { ok: true as const };
    }),
});
