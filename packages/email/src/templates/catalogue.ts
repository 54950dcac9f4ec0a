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
