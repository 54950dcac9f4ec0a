/**
 * `npm run db:migrate|db:rollback|db:status|db:make`: migrations without the
 * knex CLI. Runs as `tsx scripts/db.ts latest` or bundled as `node dist/db.js
 * latest`, so every path is resolved against the working directory (the
 * repository root, or /app in the image), never against this file.
 */
import { type Config, loadConfigOrExit } from '@groundwork/config';
import { createDb, migrationDbOptions, runMigrationCli } from '@groundwork/db';

// Loaded only by commands that need it: `make` works without DATABASE_URL.
let loaded: Config | undefined;
const config = () => (loaded ??= loadConfigOrExit());

let exitCode: number;
try {
  exitCode = await runMigrationCli(process.argv.slice(2), {
    connect: () => createDb(migrationDbOptions(config().db)),
    directory: () => config().db.migrationsDirectory,
    template: 'scripts/templates/migration.ts.stub',
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  exitCode = 1;
}
process.exit(exitCode);
