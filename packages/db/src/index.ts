export { createDb, type DbOptions, type Knex, knexConfig, migrationDbOptions, pingDatabase } from './create-db.js';
export { MIGRATION_CLI_USAGE, type MigrationCliDeps, runMigrationCli } from './migrations/cli.js';
export { type DryRunReport, dryRunLatest, type RehearsedMigration } from './migrations/dry-run.js';
export {
  createMigrationSource,
  listMigrationFiles,
  type MigrationFile,
  type MigrationModule,
} from './migrations/migration-source.js';
export {
  appliedMigrations,
  migrationsCheck,
  migrationStatus,
  type MigrationStatus,
} from './migrations/migration-status.js';
export { migrateLatest, rollback, rollbackAll } from './migrations/migrate.js';
export { checkMigrationRoundTrip, type RoundTripReport } from './migrations/round-trip.js';
export { dumpSchema } from './migrations/schema-dump.js';
export {
  type AuditEvent,
  type AuditEventRepository,
  type AuditEventType,
  createAuditEventRepository,
} from './audit-events/audit-event.repository.js';
export { AuditEventModel } from './audit-events/audit-event.model.js';
export { MembershipModel, OrganizationModel, type Role, ROLES } from './organizations/organization.model.js';
export {
  createOrganizationRepository,
  type Member,
  type MembershipOfUser,
  type OrganizationRepository,
  type OrganizationSummary,
} from './organizations/organization.repository.js';
export {
  type ActiveSession,
  createRefreshTokenRepository,
  type PresentedToken,
  type RefreshTokenRepository,
  type RotatedFamily,
  type TokenContext,
} from './refresh-tokens/refresh-token.repository.js';
export { RefreshTokenModel } from './refresh-tokens/refresh-token.model.js';
export { UserModel } from './users/user.model.js';
export {
  createUserRepository,
  type PublicUser,
  type UserCredentials,
  type UserRepository,
} from './users/user.repository.js';
export { StripeEventModel } from './stripe-events/stripe-event.model.js';
export {
  type AttemptedStripeEvent,
  createStripeEventRepository,
  type IncomingStripeEvent,
  type InsertedEvents,
  type StoredStripeEvent,
  type StripeEventRepository,
  type StripeEventStatus,
} from './stripe-events/stripe-event.repository.js';
export { SubscriptionModel } from './subscriptions/subscription.model.js';
export {
  createSubscriptionRepository,
  currentSubscription,
  type SubscriptionRepository,
  type SubscriptionRow,
} from './subscriptions/subscription.repository.js';
export {
  createCustomerSyncRepository,
  type CustomerSyncRepository,
  type SyncSnapshot,
  type SyncStart,
  type SyncWrite,
} from './subscriptions/customer-sync.repository.js';
export { UsageDailyModel } from './usage/usage.model.js';
export { createUsageRepository, type UsageIncrement, type UsageRepository } from './usage/usage.repository.js';
export { createRepositories, createUnitOfWork, type Repositories, type UnitOfWork } from './unit-of-work.js';
export {
  OUTBOUND_EMAIL_STATUSES,
  OutboundEmailModel,
  type OutboundEmailStatus,
} from './outbound-emails/outbound-email.model.js';
export {
  type ClaimedEmail,
  createOutboundEmailRepository,
  type NewOutboundEmail,
  type OutboundEmailRepository,
} from './outbound-emails/outbound-email.repository.js';
export {
  ACCOUNT_TOKEN_PURPOSES,
  AccountTokenModel,
  type AccountTokenPurpose,
} from './account-tokens/account-token.model.js';
export {
  type AccountTokenRepository,
  type ConsumedAccountToken,
  createAccountTokenRepository,
} from './account-tokens/account-token.repository.js';
export { InvitationModel } from './invitations/invitation.model.js';
export {
  type AcceptedInvitation,
  createInvitationRepository,
  type InvitationByToken,
  type InvitationRepository,
  type OpenInvitation,
} from './invitations/invitation.repository.js';
export {
  type AccountErasureRepository,
  createAccountErasureRepository,
  type MembershipForDeletion,
} from './account-deletion/account-erasure.repository.js';
export { OrganizationDeletionModel } from './account-deletion/organization-deletion.model.js';
export {
  createOrganizationDeletionRepository,
  type OrganizationDeletion,
  type OrganizationDeletionRepository,
} from './account-deletion/organization-deletion.repository.js';
export { RecoveryCodeModel, TwoFactorCredentialModel } from './two-factor/two-factor.model.js';
export {
  createTwoFactorRepository,
  type TwoFactorCredential,
  type TwoFactorRepository,
} from './two-factor/two-factor.repository.js';
export { API_KEY_SCOPES, ApiKeyModel, type ApiKeyScope } from './api-keys/api-key.model.js';
export {
  type ApiKeyRepository,
  createApiKeyRepository,
  type ListedApiKey,
  type LiveApiKey,
  type NewApiKey,
  type UsableApiKey,
} from './api-keys/api-key.repository.js';
export { PasskeyModel } from './passkeys/passkey.model.js';
export {
  createPasskeyRepository,
  type ListedPasskey,
  type NewPasskey,
  type PasskeyRepository,
  type StoredPasskey,
} from './passkeys/passkey.repository.js';
export { PasswordResetRequestModel } from './password-reset-requests/password-reset-request.model.js';
export {
  createPasswordResetRequestRepository,
  type NewPasswordResetRequest,
  type PasswordResetRequest,
  type PasswordResetRequestRepository,
} from './password-reset-requests/password-reset-request.repository.js';
