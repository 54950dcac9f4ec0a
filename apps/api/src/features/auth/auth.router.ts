import { z } from 'zod';

import { meOutput, okOutput, publicUserOutput, sessionsOutput, tokensOutput } from '../../http/outputs.schema.js';
import { rateLimit } from '../../trpc/middlewares/rate-limit.js';
import { protectedProcedure, publicProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { changePasswordInput, loginInput, refreshInput, revokeSessionInput, signupInput } from './auth.schema.js';

const tags = ['auth'];

export const authRouter = router({
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
    .input(signupInput)
    .output(z.object({ user: publicUserOutput, tokens: tokensOutput }))
    .mutation(async ({ ctx, input }) => {
      const { user, tokens } = await ctx.services.auth.signup(input, ctx.request);
      return { user, tokens: ctx.services.refreshCookies.deliver(ctx, tokens) };
    }),

  login: publicProcedure
    .meta({ openapi: { method: 'POST', path: '/auth/login', tags, summary: 'Sign in with e-mail and password' } })
    .input(loginInput)
    .output(tokensOutput)
    .mutation(async ({ ctx, input }) =>
      ctx.services.refreshCookies.deliver(ctx, await ctx.services.auth.login(input, ctx.request)),
    ),

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
    .input(refreshInput)
    .output(tokensOutput)
    .mutation(async ({ ctx, input }) => {
      const token = ctx.services.refreshCookies.read(ctx, input?.refreshToken);
      return ctx.services.refreshCookies.deliver(ctx, await ctx.services.auth.refresh(token, ctx.request));
    }),

  logout: protectedProcedure
    .meta({ openapi: { method: 'POST', path: '/auth/logout', tags, protect: true, summary: 'End this session' } })
    .input(z.void())
    .output(okOutput)
    .mutation(async ({ ctx }) => {
      await ctx.services.auth.logout(ctx.session, ctx.request);
      ctx.services.refreshCookies.clear(ctx);
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
    .input(z.void())
    .output(z.object({ revokedSessions: z.number() }))
    .mutation(async ({ ctx }) => {
      const result = await ctx.services.auth.logoutAll(ctx.session, ctx.request);
      ctx.services.refreshCookies.clear(ctx);
      return result;
    }),

  changePassword: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/change-password',
        tags,
        protect: true,
        summary: 'Change the password; ends every other session',
      },
    })
    .input(changePasswordInput)
    .output(tokensOutput)
    .mutation(async ({ ctx, input }) =>
      ctx.services.refreshCookies.deliver(ctx, await ctx.services.auth.changePassword(ctx.session, input, ctx.request)),
    ),

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
});
