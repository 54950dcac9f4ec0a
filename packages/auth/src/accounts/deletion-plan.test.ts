import type { MembershipForDeletion } from '@groundwork/db';
import { describe, expect, test } from 'vitest';

import { planDeletion } from './deletion-plan.js';

const membership = (overrides: Partial<MembershipForDeletion>): MembershipForDeletion => ({
  organizationId: 'org',
  name: 'Org',
  stripeCustomerId: null,
  role: 'owner',
  owners: 1,
  members: 1,
  ...overrides,
});

describe('planDeletion', () => {
  test('when the user is the only member, then the organization is removed', () => {
    const alone = membership({});
    expect(planDeletion([alone])).toEqual({ remove: [alone], leave: [], blocked: [] });
  });

  test('when another owner remains, then the user leaves and the organization stays', () => {
    const shared = membership({ owners: 2, members: 3 });
    expect(planDeletion([shared])).toEqual({ remove: [], leave: [shared], blocked: [] });
  });

  test('when the user is an admin or member, then the user leaves', () => {
    const asAdmin = membership({ role: 'admin', members: 2 });
    const asMember = membership({ role: 'member', members: 2 });
    expect(planDeletion([asAdmin, asMember]).leave).toEqual([asAdmin, asMember]);
  });

  test('when the user is the only owner of an organization with other members, then it is blocked', () => {
    const team = membership({ members: 4 });
    expect(planDeletion([team])).toEqual({ remove: [], leave: [], blocked: [team] });
  });
});
