import { okOutput } from '../../http/shared.schema.js';
import { organizationProcedure, recentOrganizationProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { organizationInput } from '../organizations/organizations.public.js';
import {
  apiKeyInput,
  apiKeysOutput,
  createApiKeyInput,
  createdApiKeyOutput,
  rotatedApiKeyOutput,
} from './api-keys.schema.js';

const tags = ['api-keys'];

/**
 * Managing keys needs an owner's or admin's session: an API key can never call these (ADR 025).
 * Minting one (create, rotate) also needs a recent authentication (step-up, ADR 026).
 */
export const apiKeysRouter = router({
  create: recentOrganizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/api-keys',
        tags,
        protect: true,
        summary: 'Create an API key (admin or owner; the secret is in this answer only)',
      },
    })
    .input(createApiKeyInput)
    .output(createdApiKeyOutput)
    .mutation(({ ctx, input }) =>
      ctx.services.apiKeys.create(
        { userId: ctx.session.userId, request: ctx.request },
        { ...input, expiresAt: input.expiresAt ? new Date(input.expiresAt) : undefined },
      ),
    ),

  list: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'GET',
        path: '/organizations/{organizationId}/api-keys',
        tags,
        protect: true,
        summary: "The organization's keys (never their secrets)",
      },
    })
    .input(organizationInput)
    .output(apiKeysOutput)
    .query(({ ctx, input }) => ctx.services.apiKeys.list(input.organizationId)),

  revoke: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/api-keys/{apiKeyId}/revoke',
        tags,
        protect: true,
        summary: 'Revoke a key (refused on every instance from the next call)',
      },
    })
    .input(apiKeyInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.apiKeys.revoke(
        { userId: ctx.session.userId, request: ctx.request },
        input.organizationId,
        input.apiKeyId,
      );
      return { ok: true as const };
    }),

  rotate: recentOrganizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/api-keys/{apiKeyId}/rotate',
        tags,
        protect: true,
        summary: 'Replace a key; the old one works until oldKeyExpiresAt (the rotation grace period)',
      },
    })
    .input(apiKeyInput)
    .output(rotatedApiKeyOutput)
    .mutation(({ ctx, input }) =>
      ctx.services.apiKeys.rotate(
        { userId: ctx.session.userId, request: ctx.request },
        input.organizationId,
        input.apiKeyId,
      ),
    ),
});
