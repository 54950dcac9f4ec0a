import { z } from 'zod';

import { rateLimit } from '../../trpc/middlewares/rate-limit.js';
import { protectedProcedure, publicProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { changePasswordInput, loginInput, refreshInput, revokeSessionInput, signupInput } from './auth.schema.js';

export const authRouter = router({
  signup: publicProcedure
    .use(rateLimit('signup'))
    .input(signupInput)
    .mutation(async ({ ctx, input }) => {
      const { user, tokens } = await ctx.services.auth.signup(input, ctx.request);
      return { user, tokens: ctx.services.refreshCookies.deliver(ctx, tokens) };
    }),

  login: publicProcedure
    .input(loginInput)
    .mutation(async ({ ctx, input }) =>
      ctx.services.refreshCookies.deliver(ctx, await ctx.services.auth.login(input, ctx.request)),
    ),

  refresh: publicProcedure
    .use(rateLimit('refresh'))
    .input(refreshInput)
    .mutation(async ({ ctx, input }) => {
      const token = ctx.services.refreshCookies.read(ctx, input?.refreshToken);
      return ctx.services.refreshCookies.deliver(ctx, await ctx.services.auth.refresh(token, ctx.request));
    }),

  logout: protectedProcedure.input(z.void()).mutation(async ({ ctx }) => {
    await ctx.services.auth.logout(ctx.session, ctx.request);
    ctx.services.refreshCookies.clear(ctx);
    return { ok: true as const };
  }),

  logoutAll: protectedProcedure.input(z.void()).mutation(async ({ ctx }) => {
    const result = await ctx.services.auth.logoutAll(ctx.session, ctx.request);
    ctx.services.refreshCookies.clear(ctx);
    return result;
  }),

  changePassword: protectedProcedure
    .input(changePasswordInput)
    .mutation(async ({ ctx, input }) =>
      ctx.services.refreshCookies.deliver(ctx, await ctx.services.auth.changePassword(ctx.session, input, ctx.request)),
    ),

  sessions: protectedProcedure.input(z.void()).query(({ ctx }) => ctx.services.auth.sessions(ctx.session)),

  revokeSession: protectedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    await ctx.services.auth.revokeSession(ctx.session, input.sessionId, ctx.request);
    return { ok: true as const };
  }),

  me: protectedProcedure.input(z.void()).query(({ ctx }) => ctx.services.auth.me(ctx.session)),
});
