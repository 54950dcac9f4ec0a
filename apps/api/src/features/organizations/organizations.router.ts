import { organizationProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { organizationInput, renameOrganizationInput } from './organizations.schema.js';

export const organizationsRouter = router({
  get: organizationProcedure('member')
    .input(organizationInput)
    .query(({ ctx, input }) => ctx.services.organizations.get(input.organizationId, ctx.session.userId)),

  members: organizationProcedure('member')
    .input(organizationInput)
    .query(({ ctx, input }) => ctx.services.organizations.members(input.organizationId)),

  rename: organizationProcedure('admin')
    .input(renameOrganizationInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.organizations.rename(input.organizationId, input.name);
      return { ok: true as const };
    }),
});
