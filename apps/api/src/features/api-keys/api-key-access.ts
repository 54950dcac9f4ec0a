import { AppError } from '@groundwork/core';
import type { ApiKeyScope } from '@groundwork/db';
import { notAMember } from '../organizations/organizations.public.js';

/** Who a key-authenticated request acts for: the key's organization, within its scopes. */
export type ApiKeyPrincipal = {
  kind: 'apiKey';
  apiKeyId: string;
  organizationId: string;
  scopes: readonly ApiKeyScope[];
};

/** Queries read, mutations write: the scope a procedure call needs follows from its type. */
export const scopeFor = (procedureType: 'query' | 'mutation' | 'subscription'): ApiKeyScope =>
  procedureType === 'query' ? 'read' : 'write';

/**
 * A key acts only on its own organization and only within its scopes.
 *
 * @throws AppError FORBIDDEN `NOT_A_MEMBER` for another organization (the same answer a non-member gets)
 * @throws AppError FORBIDDEN when the key lacks the scope, with `{ requiredScope, scopes }`
 */
export function requireKeyAccess(principal: ApiKeyPrincipal, organizationId: string, scope: ApiKeyScope): void {
  if (principal.organizationId !== organizationId) throw notAMember();
  if (!principal.scopes.includes(scope)) {
    throw new AppError('FORBIDDEN', `This API key lacks the ${scope} scope`, {
      details: { requiredScope: scope, scopes: principal.scopes.join(',') },
    });
  }
}
