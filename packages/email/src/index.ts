export {
  createEmailDelivery,
  type DeliveryOutcome,
  type EmailDeliveryDeps,
  PermanentEmailError,
} from './delivery/deliver-email.js';
export {
  createSmtpTransport,
  type EmailTransport,
  isPermanentSmtpError,
  type OutgoingEmail,
  type SmtpSettings,
} from './delivery/smtp-transport.js';
export { EMAIL_DELIVERY_DISABLED_WARNING } from './delivery-disabled.js';
export { createEmailOutbox, type EmailOutbox, type EmailOutboxDeps } from './outbox.js';
export {
  type EmailData,
  type EmailMessage,
  type EmailTemplateName,
  emailTemplates,
  isEmailTemplateName,
  renderEmail,
} from './templates/catalogue.js';
export type { RenderedEmail } from './templates/layout.js';
