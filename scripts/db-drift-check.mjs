// CI check: do the committed migrations produce exactly prisma/schema.prisma?
// Applies prisma/migrations to a throwaway in-memory PGlite with the WASM schema engine and diffs the
// result against the schema. Exits 1 and prints the missing SQL when they differ (the schema was edited
// without `node scripts/db-migration.mjs <name>`, or a migration was edited by hand), or when the
// migration lock file does not name PostgreSQL.
import {
  lockfileContent,
  noFilters,
  openSchemaEngine,
  readMigrationsList,
  readSchemaFiles,
} from './lib/schema-engine.mjs';

const migrationsList = await readMigrationsList();
if (migrationsList.lockfile.content !== lockfileContent('postgresql')) {
  console.error('prisma/migrations/migration_lock.toml is missing or does not name postgresql.');
  process.exit(1);
}

const { engine, close } = await openSchemaEngine();
try {
  // With exitCode set, the engine answers 2 when the diff is not empty (like `prisma migrate diff --exit-code`).
  const { exitCode, stdout } = await engine.diff({
    from: { tag: 'migrations', ...migrationsList },
    to: { tag: 'schemaDatamodel', ...(await readSchemaFiles()) },
    script: true,
    exitCode: true,
    filters: noFilters,
  });
  if (exitCode !== 0) {
    console.error('prisma/schema.prisma and prisma/migrations disagree. The migrations lack:\n');
    console.error(stdout);
    console.error('Create a migration with: node scripts/db-migration.mjs <name>');
    process.exitCode = 1;
  } else {
    console.log(`No drift: ${migrationsList.migrationDirectories.length} migration(s) match prisma/schema.prisma.`);
  }
} catch (error) {
  // Most likely a committed migration that does not apply; the engine's message names it.
  console.error(`Drift check failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await close();
}
