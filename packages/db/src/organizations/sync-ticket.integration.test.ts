import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import type { Knex } from '../create-db.js';
import { createUnitOfWork } from '../unit-of-work.js';

const database = useTestDatabase();

describe('Stripe sync tickets', () => {
  let db: Knex;
  beforeAll(() => {
    db = connectTestDatabase(database.url, { statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function organization(): Promise<string> {
    const rows: { id: string }[] = await db('organizations').insert({ name: 'Tickets' }).returning('id');
    return rows[0]?.id ?? '';
  }

  test('when a read that started later has written, then an older read that finishes late may not write', async () => {
    const { organizations } = createUnitOfWork(db).repositories;
    const organizationId = await organization();
    const older = await organizations.nextSyncTicket();
    const newer = await organizations.nextSyncTicket();

    await expect(organizations.claimSyncTicket(organizationId, newer)).resolves.toBe(true);
    await expect(organizations.claimSyncTicket(organizationId, older)).resolves.toBe(false);
    await expect(organizations.claimSyncTicket(organizationId, newer)).resolves.toBe(false);
    await expect(organizations.claimSyncTicket(organizationId, await organizations.nextSyncTicket())).resolves.toBe(
      true,
    );
  });

  test('when tickets pass 2^53, then they still compare as numbers, not as text or floats', async () => {
    const { organizations } = createUnitOfWork(db).repositories;
    const organizationId = await organization();
    await db('organizations').where({ id: organizationId }).update({ stripeSyncedTicket: '9007199254740993' });

    await expect(organizations.claimSyncTicket(organizationId, '9007199254740992')).resolves.toBe(false);
    await expect(organizations.claimSyncTicket(organizationId, '10000000000000000')).resolves.toBe(true);
  });

  test('when two syncs claim at once, then the second waits for the first to commit and then compares', async () => {
    const uow = createUnitOfWork(db);
    const organizationId = await organization();
    const older = await uow.repositories.organizations.nextSyncTicket();
    const newer = await uow.repositories.organizations.nextSyncTicket();
    let releaseNewer: () => void = () => undefined;
    const newerHolds = new Promise<void>((resolve) => (releaseNewer = resolve));
    let newerClaimed: () => void = () => undefined;
    const claimed = new Promise<void>((resolve) => (newerClaimed = resolve));

    const newerSync = uow.transaction(async (repositories) => {
      const won = await repositories.organizations.claimSyncTicket(organizationId, newer);
      newerClaimed();
      await newerHolds;
      return won;
    });
    await claimed;
    const olderSync = uow.transaction((repositories) =>
      repositories.organizations.claimSyncTicket(organizationId, older),
    );
    releaseNewer();

    await expect(newerSync).resolves.toBe(true);
    await expect(olderSync).resolves.toBe(false);
  });
});
