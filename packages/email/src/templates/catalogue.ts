import { z } from 'zod';

import { type RenderedEmail, renderMessage } from './layout.js';

// Links must be absolute http(s) URLs: a template never builds one from parts,
// so a link cannot point anywhere the sending use case did not choose.
const link = z.url({ protocol: /^https?$/ });
const name = z.string().min(1).max(100);

/** Ties a template's renderer to its data schema, so the data type is written once. */
function defineTemplate<TSchema extends z.ZodType>(data: TSchema, render: (data: z.infer<TSchema>) => RenderedEmail) {
  return {
    data,
    render,
    /** Validates stored data before rendering it: the schema may have changed since it was recorded. */
    renderStored: (stored: unknown) => render(data.parse(stored)),
  };
}

/**
 * Every message the product sends: the data each needs (validated when the
 * message is recorded and again when it is rendered) and how it reads.
 */
export const emailTemplates = {
  'email-verification': defineTemplate(
    z.object({ displayName: name, verifyUrl: link, expiresInHours: z.int().positive() }),
    (data) =>
      renderMessage({
        subject: 'Confirm your e-mail address',
        greeting: `Hello ${data.displayName},`,
        paragraphs: [
          'Please confirm that this is your e-mail address.',
          `The link is valid for ${data.expiresInHours} hours.`,
        ],
        action: { label: 'Confirm my address', url: data.verifyUrl },
        footer: 'You receive this because an account was created with this address. If it was not you, ignore it.',
      }),
  ),
  'password-reset': defineTemplate(
    z.object({ displayName: name, resetUrl: link, expiresInMinutes: z.int().positive() }),
    (data) =>
      renderMessage({
        subject: 'Reset your password',
        greeting: `Hello ${data.displayName},`,
        paragraphs: [
          'Someone asked to reset the password of your account.',
          `The link works once and is valid for ${data.expiresInMinutes} minutes. Resetting signs you out everywhere.`,
        ],
        action: { label: 'Choose a new password', url: data.resetUrl },
        footer: 'If you did not ask for this, ignore this message: your password stays as it is.',
      }),
  ),
  'email-change': defineTemplate(
    z.object({ displayName: name, confirmUrl: link, expiresInHours: z.int().positive() }),
    (data) =>
      renderMessage({
        subject: 'Confirm your new e-mail address',
        greeting: `Hello ${data.displayName},`,
        paragraphs: [
          'You asked to use this address for your account. Your account keeps its current address until you confirm.',
          `The link works once and is valid for ${data.expiresInHours} hours.`,
        ],
        action: { label: 'Use this address', url: data.confirmUrl },
        footer: 'If you did not ask for this, ignore this message: nothing changes without the link.',
      }),
  ),
  // Sent to the address the account is leaving, which has no link to follow: it warns the owner
  // in case someone else holds their session. The new address is only hinted at.
  'email-change-notice': defineTemplate(
    z.object({
      displayName: name,
      newAddressHint: z.string().min(1).max(254),
      stage: z.enum(['requested', 'completed']),
    }),
    (data) =>
      renderMessage({
        subject:
          data.stage === 'requested'
            ? 'A change of your e-mail address was requested'
            : 'Your e-mail address was changed',
        greeting: `Hello ${data.displayName},`,
        paragraphs: [
          data.stage === 'requested'
            ? `Someone signed in to your account asked to move it to ${data.newAddressHint}. It moves only when that address confirms.`
            : `Your account now uses ${data.newAddressHint}. This address no longer signs in or receives its mail.`,
        ],
        footer:
          'If this was not you, reset your password now: that ends every session. Then contact support if the address was changed.',
      }),
  ),
  invitation: defineTemplate(
    z.object({
      organizationName: name,
      inviterName: name,
      role: z.enum(['owner', 'admin', 'member']),
      acceptUrl: link,
      expiresInDays: z.int().positive(),
    }),
    (data) =>
      renderMessage({
        subject: `${data.inviterName} invited you to ${data.organizationName}`,
        greeting: 'Hello,',
        paragraphs: [
          `${data.inviterName} invited you to join ${data.organizationName} as ${data.role}.`,
          `The invitation is valid for ${data.expiresInDays} days.`,
        ],
        action: { label: 'Accept the invitation', url: data.acceptUrl },
        footer: 'If you do not know this organization, ignore this message.',
      }),
  ),
} as const;

export type EmailTemplateName = keyof typeof emailTemplates;
export type EmailData<TName extends EmailTemplateName> = z.infer<(typeof emailTemplates)[TName]['data']>;

/** A message as a use case asks for it: the template fixes which data it takes. */
export type EmailMessage = {
  [TName in EmailTemplateName]: { template: TName; to: string; data: EmailData<TName> };
}[EmailTemplateName];

export function isEmailTemplateName(value: string): value is EmailTemplateName {
  return Object.hasOwn(emailTemplates, value);
}

/**
 * Renders a stored message.
 *
 * @throws z.ZodError when the stored data no longer fits the template
 */
export function renderEmail(template: EmailTemplateName, data: unknown): RenderedEmail {
  return emailTemplates[template].renderStored(data);
}
