export { createDb, type DbOptions, type Knex, knexConfig, pingDatabase } from './create-db.js';
export { createMigrationSource } from './migrations/migration-source.js';
export { migrateLatest, rollbackAll } from './migrations/migrate.js';
export { checkMigrationRoundTrip, type RoundTripReport } from './migrations/round-trip.js';
export { dumpSchema } from './migrations/schema-dump.js';
