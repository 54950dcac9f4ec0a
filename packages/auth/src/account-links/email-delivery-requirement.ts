import { AppError } from '@groundwork/core';

/** The reason a client reads from the error's details to stop offering what needs an e-mail. */
export const EMAIL_DELIVERY_DISABLED = 'EMAIL_DELIVERY_DISABLED';

const EMAIL_DELIVERY_DISABLED_MESSAGE =
  'E-mail delivery is turned off on this server, so no e-mail can be sent; ask its operator to turn e-mail on';

/**
 * Requests that exist only to send an e-mail (a verification link, an
 * address-change link, a password-reset link) are refused while delivery is
 * off (EMAIL_DELIVERY=disabled), instead of answering "on its way" for a mail
 * that never leaves (ADR 038). Callers check it before counting a rate limit,
 * asking for step-up or writing anything, so a refusal costs and leaves nothing.
 */
export function createEmailDeliveryRequirement(deliveryEnabled: boolean): () => void {
  /**
   * @throws AppError PRECONDITION_FAILED with details `{ reason: 'EMAIL_DELIVERY_DISABLED' }`
   * while e-mail delivery is off; the same for every caller and address, so it reveals no account.
   */
  return function requireEmailDelivery(): void {
    if (deliveryEnabled) return;
    throw new AppError('PRECONDITION_FAILED', EMAIL_DELIVERY_DISABLED_MESSAGE, {
      details: { reason: EMAIL_DELIVERY_DISABLED },
    });
  };
}
