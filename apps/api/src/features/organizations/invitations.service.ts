import type { IssuedTokens, RequestMeta, SignupInput, WithinSignup } from '@groundwork/auth';
import { AppError } from '@groundwork/core';
import type { PublicUser, Repositories, Role, UnitOfWork } from '@groundwork/db';
import type { EmailOutbox } from '@groundwork/email';

import { generateInvitationToken, hashInvitationToken, INVITATION_TOKEN_PATTERN } from './invitation-token.js';
import { assertMayGrant } from './member-rules.js';
import { auditMembershipChange as audit } from './organization-audit.js';
import { assertSeatAvailable, type ReadEntitlements } from './seat-limit.js';
import { notAMember } from './not-a-member.js';

const INVALID_INVITATION = 'This invitation is invalid, was already used, revoked or has expired';
const DAY_MS = 86_400_000;

/** Who acts: the signed-in user and their role in the organization named by the call. */
export type Actor = { userId: string; role: Role };

export type InvitationsDeps = {
  uow: UnitOfWork;
  outbox: Pick<EmailOutbox, 'record' | 'dispatch'>;
  /** The front end's page that accepts an invitation, carrying the token as `token=`. */
  acceptUrl: (token: string) => string;
  /**
   * False with e-mail off (EMAIL_DELIVERY=disabled): the link is then returned to the inviter to
   * hand over, and accepting it does not verify the address (ADR 029).
   */
  linksMailed: boolean;
  readEntitlements: ReadEntitlements;
  /** auth's signup, which runs `within` in the account's transaction. */
  signup: (
    input: SignupInput,
    meta: RequestMeta,
    within: WithinSignup,
  ) => Promise<{ user: PublicUser; tokens: IssuedTokens }>;
  settings: { invitationTtlDays: number };
};

function invalidInvitation(): AppError {
  return new AppError('INVALID', INVALID_INVITATION, { details: { field: 'token' } });
}

/**
 * Inviting people into an organization by e-mail: a one-time link (256
 * random bits, stored hashed, expiring) that joins whoever proves the invited
 * address, signed in or signing up through it. See ADR 022.
 */
export function createInvitationsService(deps: InvitationsDeps) {
  /** Records the invitation e-mail in the caller's transaction; returns its id to dispatch after commit. */
  async function recordInvitationEmail(
    repositories: Repositories,
    invitation: { organizationName: string; inviterId: string; email: string; role: Role; token: string },
  ): Promise<string> {
    const inviter = await repositories.users.findById(invitation.inviterId);
    return deps.outbox.record(repositories.outboundEmails, {
      template: 'invitation',
      to: invitation.email,
      data: {
        organizationName: invitation.organizationName,
        inviterName: inviter?.displayName ?? 'A colleague',
        role: invitation.role,
        acceptUrl: deps.acceptUrl(invitation.token),
        expiresInDays: deps.settings.invitationTtlDays,
      },
    });
  }

  /**
   * How the link reaches the invitee, decided in the caller's transaction: an e-mail recorded
   * there, or with e-mail off the link itself, for the inviter to hand over (ADR 029).
   */
  async function handOverLink(
    repositories: Repositories,
    invitation: Parameters<typeof recordInvitationEmail>[1],
  ): Promise<{ emailId: string } | { acceptUrl: string }> {
    if (!deps.linksMailed) return { acceptUrl: deps.acceptUrl(invitation.token) };
    return { emailId: await recordInvitationEmail(repositories, invitation) };
  }

  /** After commit: the e-mail queued, or the link for the caller's answer. */
  async function completeHandOver(handOver: { emailId: string } | { acceptUrl: string }) {
    if ('acceptUrl' in handOver) return { acceptUrl: handOver.acceptUrl };
    await deps.outbox.dispatch(handOver.emailId);
    return {};
  }

  async function lockOrganization(repositories: Repositories, organizationId: string) {
    const organization = await repositories.organizations.lockForMembershipChange(organizationId);
    if (!organization) throw notAMember();
    return organization;
  }

  /**
   * Joins the user through the invitation in the caller's transaction: the
   * organization locked, a seat free, the invitation consumed (one conditional
   * UPDATE, so a link works once), the membership added, the address verified
   * (its time returned, so a signup through the link need not read the user again).
   */
  async function join(
    repositories: Repositories,
    joining: { tokenHash: Buffer; userId: string; organizationId: string; meta: RequestMeta },
  ): Promise<{ organizationId: string; role: Role; emailVerifiedAt: Date | null }> {
    await lockOrganization(repositories, joining.organizationId);
    if (await repositories.organizations.findRole(joining.organizationId, joining.userId)) {
      throw new AppError('CONFLICT', 'You are already a member of this organization');
    }
    await assertSeatAvailable(deps.readEntitlements, repositories, {
      organizationId: joining.organizationId,
      joining: 'member',
    });
    const accepted = await repositories.invitations.accept(joining.tokenHash, joining.userId);
    if (!accepted) throw invalidInvitation();
    await repositories.organizations.addMember(accepted.organizationId, joining.userId, accepted.role);
    // A mailed link proved the address; one the inviter handed over (e-mail off) proves nothing.
    const emailVerifiedAt = deps.linksMailed
      ? await repositories.users.markEmailVerified(joining.userId, accepted.email)
      : null;
    await audit(repositories, 'organization.invitation_accepted', {
      actorUserId: joining.userId,
      organizationId: accepted.organizationId,
      meta: joining.meta,
      metadata: { invitationId: accepted.id, role: accepted.role },
    });
    return { organizationId: accepted.organizationId, role: accepted.role, emailVerifiedAt };
  }

  async function findPending(token: string) {
    if (!INVITATION_TOKEN_PATTERN.test(token)) throw invalidInvitation();
    const tokenHash = hashInvitationToken(token);
    const invitation = await deps.uow.repositories.invitations.findPendingByToken(tokenHash);
    if (!invitation) throw invalidInvitation();
    return { invitation, tokenHash };
  }

  return {
    /**
     * The link is e-mailed to the address; with e-mail off it is in the answer (`acceptUrl`) instead.
     *
     * @throws AppError FORBIDDEN for a role above the actor's, CONFLICT for a member or an open
     *   invitation of the address, PAYMENT_REQUIRED over the plan's `members` limit
     */
    async invite(actor: Actor, input: { organizationId: string; email: string; role: Role }, meta: RequestMeta) {
      assertMayGrant(actor.role, input.role);
      const { token, tokenHash } = generateInvitationToken();
      const expiresAt = new Date(Date.now() + deps.settings.invitationTtlDays * DAY_MS);
      const { invitationId, handOver } = await deps.uow.transaction(async (repositories) => {
        const organization = await lockOrganization(repositories, input.organizationId);
        const existing = await repositories.users.findByEmail(input.email);
        if (existing && (await repositories.organizations.findRole(input.organizationId, existing.id))) {
          throw new AppError('CONFLICT', 'This address already belongs to a member');
        }
        await assertSeatAvailable(deps.readEntitlements, repositories, {
          organizationId: input.organizationId,
          joining: 'invitation',
        });
        const { id } = await repositories.invitations.insert({
          ...input,
          tokenHash,
          invitedByUserId: actor.userId,
          expiresAt,
        });
        await audit(repositories, 'organization.member_invited', {
          actorUserId: actor.userId,
          organizationId: input.organizationId,
          meta,
          metadata: { invitationId: id, role: input.role },
        });
        const handOver = await handOverLink(repositories, {
          organizationName: organization.name,
          inviterId: actor.userId,
          email: input.email,
          role: input.role,
          token,
        });
        return { invitationId: id, handOver };
      });
      return { invitationId, email: input.email, role: input.role, expiresAt, ...(await completeHandOver(handOver)) };
    },

    /** Open invitations, newest first; expired ones are listed (they can be resent). Never the token. */
    async list(organizationId: string) {
      const now = Date.now();
      const open = await deps.uow.repositories.invitations.listOpen(organizationId);
      return open.map((invitation) => ({ ...invitation, expired: invitation.expiresAt.getTime() <= now }));
    },

    /** @throws AppError NOT_FOUND when the organization has no such open invitation */
    async revoke(actor: Actor, input: { organizationId: string; invitationId: string }, meta: RequestMeta) {
      await deps.uow.transaction(async (repositories) => {
        if (!(await repositories.invitations.revoke(input.organizationId, input.invitationId))) {
          throw new AppError('NOT_FOUND', 'Invitation not found');
        }
        await audit(repositories, 'organization.invitation_revoked', {
          actorUserId: actor.userId,
          organizationId: input.organizationId,
          meta,
          metadata: { invitationId: input.invitationId },
        });
      });
    },

    /**
     * A new link and expiry for an open invitation; the old link stops working.
     *
     * @throws AppError NOT_FOUND, FORBIDDEN for an invitation above the actor's role,
     *   PAYMENT_REQUIRED when an expired invitation would take a seat the plan no longer has
     */
    async resend(actor: Actor, input: { organizationId: string; invitationId: string }, meta: RequestMeta) {
      const { token, tokenHash } = generateInvitationToken();
      const expiresAt = new Date(Date.now() + deps.settings.invitationTtlDays * DAY_MS);
      const handOver = await deps.uow.transaction(async (repositories) => {
        const organization = await lockOrganization(repositories, input.organizationId);
        const open = await repositories.invitations.listOpen(input.organizationId);
        const invitation = open.find((candidate) => candidate.id === input.invitationId);
        if (!invitation) throw new AppError('NOT_FOUND', 'Invitation not found');
        assertMayGrant(actor.role, invitation.role);
        if (invitation.expiresAt.getTime() <= Date.now()) {
          await assertSeatAvailable(deps.readEntitlements, repositories, {
            organizationId: input.organizationId,
            joining: 'invitation',
          });
        }
        const renewed = await repositories.invitations.renew(input.organizationId, input.invitationId, {
          tokenHash,
          expiresAt,
        });
        if (!renewed) throw new AppError('NOT_FOUND', 'Invitation not found');
        await audit(repositories, 'organization.invitation_resent', {
          actorUserId: actor.userId,
          organizationId: input.organizationId,
          meta,
          metadata: { invitationId: input.invitationId },
        });
        return handOverLink(repositories, {
          organizationName: organization.name,
          inviterId: actor.userId,
          email: renewed.email,
          role: renewed.role,
          token,
        });
      });
      return { invitationId: input.invitationId, expiresAt, ...(await completeHandOver(handOver)) };
    },

    /**
     * A signed-in user accepts with the link. Only the invited address may: a
     * forwarded or leaked link does not let another account in.
     *
     * @throws AppError INVALID for an unknown, used, revoked or expired link; FORBIDDEN when the
     *   account's address is not the invited one; CONFLICT for a member; PAYMENT_REQUIRED over the limit
     */
    async accept(userId: string, token: string, meta: RequestMeta) {
      const { invitation, tokenHash } = await findPending(token);
      return deps.uow.transaction(async (repositories) => {
        const user = await repositories.users.findById(userId);
        if (!user) throw new AppError('UNAUTHENTICATED', 'Session expired or revoked; sign in again');
        if (user.email.toLowerCase() !== invitation.email.toLowerCase()) {
          throw new AppError('FORBIDDEN', 'This invitation was sent to another e-mail address');
        }
        const { organizationId, role } = await join(repositories, {
          tokenHash,
          userId,
          organizationId: invitation.organizationId,
          meta,
        });
        return { organizationId, role };
      });
    },

    /**
     * Signing up through the link: the account gets the invited address, which
     * counts as verified when the link was mailed (it proved the address), and
     * joins in the same transaction.
     *
     * @throws AppError as `accept`, and as signup (CONFLICT when the address has an account: sign in and accept)
     */
    async signup(input: { token: string; displayName: string; password: string }, meta: RequestMeta) {
      const { invitation, tokenHash } = await findPending(input.token);
      let joined: { organizationId: string; role: Role } | undefined;
      const { tokens, user } = await deps.signup(
        { email: invitation.email, displayName: input.displayName, password: input.password },
        meta,
        async (repositories, created) => {
          const { emailVerifiedAt, ...membership } = await join(repositories, {
            tokenHash,
            userId: created.user.id,
            organizationId: invitation.organizationId,
            meta,
          });
          joined = membership;
          return { emailVerifiedAt };
        },
      );
      if (!joined) throw new Error('signup committed without joining the organization');
      return { user, tokens, ...joined };
    },
  };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
