import { okOutput } from '../../http/shared.schema.js';
import { memberOrKeyProcedure, organizationProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { invitationProcedures } from './invitations.router.js';
import { memberProcedures } from './members.router.js';
import {
  membersOutput,
  organizationInput,
  organizationOutput,
  renameOrganizationInput,
} from './organizations.schema.js';

export const organizationsRouter = router({
  ...invitationProcedures,
  ...memberProcedures,

  get: organizationProcedure('member')
    .meta({
      openapi: {
        method: 'GET',
        path: '/organizations/{organizationId}',
        tags: ['organizations'],
        protect: true,
        summary: 'One of my organizations',
      },
    })
    .input(organizationInput)
    .output(organizationOutput)
    .query(({ ctx, input }) => ctx.services.organizations.get(input.organizationId, ctx.session.userId)),

  members: memberOrKeyProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/organizations/{organizationId}/members',
        tags: ['organizations'],
        protect: true,
        summary: 'Members and roles',
      },
    })
    .input(organizationInput)
    .output(membersOutput)
    .query(({ ctx, input }) => ctx.services.organizations.members(input.organizationId)),

  rename: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/rename',
        tags: ['organizations'],
        protect: true,
        summary: 'Rename (admin or owner)',
      },
    })
    .input(renameOrganizationInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.organizations.rename(input.organizationId, input.name);
      return { ok: true as const };
    }),
});
