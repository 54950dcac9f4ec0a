import { okOutput } from '../../http/shared.schema.js';
import { organizationProcedure } from '../../trpc/procedures.js';
import { changeRoleInput, memberInput } from './members.schema.js';
import { organizationInput } from './organizations.schema.js';

const tags = ['organizations'];
const ok = { ok: true as const };

/** The member-management procedures of the organizations router (merged there). */
export const memberProcedures = {
  removeMember: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/members/{userId}/remove',
        tags,
        protect: true,
        summary: 'Remove a member (admins cannot remove owners; the last owner stays)',
      },
    })
    .input(memberInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.members.removeMember(
        { userId: ctx.session.userId, role: ctx.membership.role },
        input,
        ctx.request,
      );
      return ok;
    }),

  changeRole: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/members/{userId}/role',
        tags,
        protect: true,
        summary: 'Change a member’s role (never above your own; the last owner stays)',
      },
    })
    .input(changeRoleInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.members.changeRole(
        { userId: ctx.session.userId, role: ctx.membership.role },
        input,
        ctx.request,
      );
      return ok;
    }),

  leave: organizationProcedure('member')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/leave',
        tags,
        protect: true,
        summary: 'Leave the organization (the last owner cannot)',
      },
    })
    .input(organizationInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.members.leave({ userId: ctx.session.userId }, input.organizationId, ctx.request);
      return ok;
    }),

  transferOwnership: organizationProcedure('owner')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/transfer-ownership',
        tags,
        protect: true,
        summary: 'Make another member owner; you become admin',
      },
    })
    .input(memberInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.members.transferOwnership({ userId: ctx.session.userId }, input, ctx.request);
      return ok;
    }),
};
