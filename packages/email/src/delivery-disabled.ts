/**
 * What both apps log once at start while EMAIL_DELIVERY=disabled (ADR 029, 038):
 * what is off and what it means, so operators learn it from their logs, not
 * from a user who never got a link.
 */
export const EMAIL_DELIVERY_DISABLED_WARNING =
  'E-mail delivery is disabled (EMAIL_DELIVERY=disabled): no verification, password-reset or invitation e-mail is sent. ' +
  'No address can be verified, so checkouts and invitations do not require a verified one; ' +
  'an invitation link is returned to the inviter to hand over; requests that only send an e-mail (a new verification link, ' +
  'an address change, a password reset) are refused with PRECONDITION_FAILED, so a forgotten password cannot be reset.';
