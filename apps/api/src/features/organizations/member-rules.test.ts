import { AppError } from '@groundwork/core';
import { ROLES } from '@groundwork/db';
import { describe, expect, test } from 'vitest';

import { assertMayGrant, assertMayManage, assertOwnerRemains, hasRole } from './member-rules.js';

const codeOf = (check: () => void): string | null => {
  try {
    check();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
};

describe('member rules', () => {
  test('when anyone grants or manages a role, then only roles up to their own are allowed', () => {
    for (const actor of ROLES) {
      for (const role of ROLES) {
        const allowed = hasRole(actor, role);
        expect(codeOf(() => assertMayGrant(actor, role))).toBe(allowed ? null : 'FORBIDDEN');
        expect(codeOf(() => assertMayManage(actor, role))).toBe(allowed ? null : 'FORBIDDEN');
      }
    }
  });

  test('when the last owner would lose the role, then CONFLICT; with another owner, or staying owner, it is allowed', () => {
    expect(codeOf(() => assertOwnerRemains({ targetRole: 'owner', newRole: 'admin', owners: 1 }))).toBe('CONFLICT');
    expect(codeOf(() => assertOwnerRemains({ targetRole: 'owner', newRole: null, owners: 1 }))).toBe('CONFLICT');
    expect(codeOf(() => assertOwnerRemains({ targetRole: 'owner', newRole: null, owners: 2 }))).toBeNull();
    expect(codeOf(() => assertOwnerRemains({ targetRole: 'owner', newRole: 'owner', owners: 1 }))).toBeNull();
    expect(codeOf(() => assertOwnerRemains({ targetRole: 'admin', newRole: null, owners: 1 }))).toBeNull();
  });
});
