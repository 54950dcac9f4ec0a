import { z } from 'zod';

import { okOutput } from '../../http/shared.schema.js';
import { protectedProcedure, publicProcedure, recentAuthProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import {
  passkeyAssertionOptionsOutput,
  passkeyLoginInput,
  passkeyLoginOptionsInput,
  passkeyLoginOptionsOutput,
  passkeyOutput,
  passkeyReauthenticateInput,
  passkeyRegistrationOptionsOutput,
  registerPasskeyInput,
  registerPasskeyOutput,
  removePasskeyInput,
  renamePasskeyInput,
} from './passkeys.schema.js';
import { tokensOutput } from './auth.schema.js';
import { deliverRefreshCookie } from './refresh-cookie.middleware.js';
import { reauthenticateOutput } from './two-factor.schema.js';

const tags = ['auth'];

/** `auth.passkeys.*`: WebAuthn registration, sign-in and step-up (ADR 028). */
export const passkeysRouter = router({
  // Adding a factor is a step-up action (issue 14 part 4), and so is completing the addition.
  registrationOptions: recentAuthProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/passkeys/registration-options',
        tags,
        protect: true,
        summary: 'Start adding a passkey: options for navigator.credentials.create() (needs a recent sign-in)',
      },
    })
    .input(z.void())
    .output(passkeyRegistrationOptionsOutput)
    .mutation(({ ctx }) => ctx.services.auth.passkeys.registrationOptions(ctx.session)),

  register: recentAuthProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/passkeys/register',
        tags,
        protect: true,
        summary: "Store a passkey from the authenticator's answer to this session's options (needs a recent sign-in)",
      },
    })
    .input(registerPasskeyInput)
    .output(registerPasskeyOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.passkeys.register(ctx.session, input, ctx.request)),

  list: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/auth/passkeys', tags, protect: true, summary: 'My passkeys' } })
    .input(z.void())
    .output(z.array(passkeyOutput))
    .query(({ ctx }) => ctx.services.auth.passkeys.list(ctx.session)),

  rename: protectedProcedure
    .meta({
      openapi: { method: 'POST', path: '/auth/passkeys/rename', tags, protect: true, summary: 'Rename a passkey' },
    })
    .input(renamePasskeyInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.passkeys.rename(ctx.session, input, ctx.request);
      return { ok: true as const };
    }),

  remove: recentAuthProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/passkeys/remove',
        tags,
        protect: true,
        summary: 'Remove a passkey; it no longer signs in (needs a recent sign-in)',
      },
    })
    .input(removePasskeyInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.passkeys.remove(ctx.session, input, ctx.request);
      return { ok: true as const };
    }),

  loginOptions: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/passkeys/login-options',
        tags,
        summary:
          'Start a passkey sign-in: with an e-mail, its passkeys; without, any (discoverable). Same answer whether or not the e-mail has an account',
      },
    })
    .input(passkeyLoginOptionsInput)
    .output(passkeyLoginOptionsOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.passkeys.loginOptions(input ?? {})),

  login: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/passkeys/login',
        tags,
        summary: 'Sign in with a passkey (user verification makes it multi-factor: no TOTP step follows)',
      },
    })
    .use(deliverRefreshCookie())
    .input(passkeyLoginInput)
    .output(tokensOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.passkeys.login(input, ctx.request)),

  reauthenticationOptions: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/passkeys/reauthentication-options',
        tags,
        protect: true,
        summary: 'Start a step-up with a passkey: options for navigator.credentials.get()',
      },
    })
    .input(z.void())
    .output(passkeyAssertionOptionsOutput)
    .mutation(({ ctx }) => ctx.services.auth.passkeys.reauthenticationOptions(ctx.session)),

  reauthenticate: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/passkeys/reauthenticate',
        tags,
        protect: true,
        summary: 'Step up with a passkey: opens the window for sensitive actions',
      },
    })
    .input(passkeyReauthenticateInput)
    .output(reauthenticateOutput)
    .mutation(({ ctx, input }) => ctx.services.auth.passkeys.reauthenticate(ctx.session, input, ctx.request)),
});
