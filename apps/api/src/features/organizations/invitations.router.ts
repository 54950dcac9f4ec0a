import { rateLimit } from '../../trpc/middlewares/rate-limit.js';
import { okOutput } from '../../http/shared.schema.js';
import {
  organizationProcedure,
  protectedProcedure,
  publicProcedure,
  verifiedOrganizationProcedure,
} from '../../trpc/procedures.js';
import { deliverRefreshCookie } from '../auth/auth.public.js';
import {
  acceptInvitationInput,
  acceptInvitationWithSignupInput,
  acceptInvitationWithSignupOutput,
  invitationInput,
  invitationsOutput,
  inviteInput,
  inviteOutput,
  joinedOutput,
  resendInvitationOutput,
} from './invitations.schema.js';
import { organizationInput } from './organizations.schema.js';

const tags = ['organizations'];

/** The invitation procedures of the organizations router (merged there). */
export const invitationProcedures = {
  invite: verifiedOrganizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/invitations',
        tags,
        protect: true,
        summary: 'Invite by e-mail with a role (admin or owner; counts against the plan’s members)',
      },
    })
    .input(inviteInput)
    .output(inviteOutput)
    .mutation(({ ctx, input }) =>
      ctx.services.invitations.invite({ userId: ctx.session.userId, role: ctx.membership.role }, input, ctx.request),
    ),

  invitations: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'GET',
        path: '/organizations/{organizationId}/invitations',
        tags,
        protect: true,
        summary: 'Open invitations, expired ones included (never their links)',
      },
    })
    .input(organizationInput)
    .output(invitationsOutput)
    .query(({ ctx, input }) => ctx.services.invitations.list(input.organizationId)),

  revokeInvitation: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/invitations/{invitationId}/revoke',
        tags,
        protect: true,
        summary: 'Revoke an open invitation: its link stops working',
      },
    })
    .input(invitationInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.invitations.revoke(
        { userId: ctx.session.userId, role: ctx.membership.role },
        input,
        ctx.request,
      );
      return { ok: true as const };
    }),

  resendInvitation: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organizations/{organizationId}/invitations/{invitationId}/resend',
        tags,
        protect: true,
        summary: 'Send a new link with a new expiry; the old link stops working',
      },
    })
    .input(invitationInput)
    .output(resendInvitationOutput)
    .mutation(({ ctx, input }) =>
      ctx.services.invitations.resend({ userId: ctx.session.userId, role: ctx.membership.role }, input, ctx.request),
    ),

  acceptInvitation: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/invitations/accept',
        tags,
        protect: true,
        summary: 'Join with an invitation link sent to my address',
      },
    })
    .input(acceptInvitationInput)
    .output(joinedOutput)
    .mutation(({ ctx, input }) => ctx.services.invitations.accept(ctx.session.userId, input.token, ctx.request)),

  acceptInvitationWithSignup: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/invitations/accept-with-signup',
        tags,
        summary: 'Create an account for the invited address and join (the address counts as verified)',
      },
    })
    .use(rateLimit('signup'))
    .use(deliverRefreshCookie('tokens'))
    .input(acceptInvitationWithSignupInput)
    .output(acceptInvitationWithSignupOutput)
    .mutation(({ ctx, input }) => ctx.services.invitations.signup(input, ctx.request)),
};
