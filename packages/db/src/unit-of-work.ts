import type { Knex } from 'knex';

import { createAccountErasureRepository } from './account-deletion/account-erasure.repository.js';
import { createOrganizationDeletionRepository } from './account-deletion/organization-deletion.repository.js';
import { createAccountTokenRepository } from './account-tokens/account-token.repository.js';
import { createApiKeyRepository } from './api-keys/api-key.repository.js';
import { createAuditEventRepository } from './audit-events/audit-event.repository.js';
import { createCustomerSyncRepository } from './subscriptions/customer-sync.repository.js';
import { createInvitationRepository } from './invitations/invitation.repository.js';
import { createOutboundEmailRepository } from './outbound-emails/outbound-email.repository.js';
import { createOrganizationRepository } from './organizations/organization.repository.js';
import { createPasskeyRepository } from './passkeys/passkey.repository.js';
import { createPasswordResetRequestRepository } from './password-reset-requests/password-reset-request.repository.js';
import { createRefreshTokenRepository } from './refresh-tokens/refresh-token.repository.js';
import { createStripeEventRepository } from './stripe-events/stripe-event.repository.js';
import { createSubscriptionRepository } from './subscriptions/subscription.repository.js';
import { createTwoFactorRepository } from './two-factor/two-factor.repository.js';
import { createUsageRepository } from './usage/usage.repository.js';
import { createUserRepository } from './users/user.repository.js';

/**
 * Every repository, bound to one executor: the pool, or one transaction. A
 * repository never takes a transaction per call; to work in a transaction,
 * take the repositories a {@link UnitOfWork} hands to its callback.
 */
export function createRepositories(executor: Knex) {
  return {
    accountErasure: createAccountErasureRepository(executor),
    accountTokens: createAccountTokenRepository(executor),
    apiKeys: createApiKeyRepository(executor),
    audit: createAuditEventRepository(executor),
    customerSyncs: createCustomerSyncRepository(executor),
    invitations: createInvitationRepository(executor),
    organizationDeletions: createOrganizationDeletionRepository(executor),
    organizations: createOrganizationRepository(executor),
    outboundEmails: createOutboundEmailRepository(executor),
    passkeys: createPasskeyRepository(executor),
    passwordResetRequests: createPasswordResetRequestRepository(executor),
    refreshTokens: createRefreshTokenRepository(executor),
    stripeEvents: createStripeEventRepository(executor),
    subscriptions: createSubscriptionRepository(executor),
    twoFactor: createTwoFactorRepository(executor),
    usage: createUsageRepository(executor),
    users: createUserRepository(executor),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

/**
 * The one way domain code reaches the database: `repositories` for single
 * statements on the pool, `transaction` for work that must commit or roll back
 * as one. The callback receives the transaction's repositories and the
 * transaction itself (for a lock or a `set local`); the transaction is
 * committed when the callback resolves and rolled back when it throws.
 */
export type UnitOfWork = {
  readonly repositories: Repositories;
  transaction<T>(work: (repositories: Repositories, trx: Knex.Transaction) => Promise<T>): Promise<T>;
};

/** @param db the pool; repositories for each transaction are built on it when it opens */
export function createUnitOfWork(db: Knex): UnitOfWork {
  return {
    repositories: createRepositories(db),
    transaction: (work) => db.transaction((trx) => work(createRepositories(trx), trx)),
  };
}
