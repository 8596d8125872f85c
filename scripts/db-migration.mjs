// Creates a new migration from prisma/schema.prisma, offline: `node scripts/db-migration.mjs <name>`.
//
// Does what `prisma migrate dev --create-only` would, with the WASM schema engine on a throwaway in-memory
// PGlite instead of a live database: apply the committed migrations, check them, diff them against the
// schema, write prisma/migrations/<timestamp>_<name>/migration.sql, then apply it to prove it runs.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  lockfileContent,
  migrationsDir,
  noFilters,
  openSchemaEngine,
  readMigrationsList,
  readSchemaFiles,
} from './lib/schema-engine.mjs';

const name = process.argv[2];
if (process.argv.length !== 3 || !name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: node scripts/db-migration.mjs <name>   (name: lower-case letters, digits and _)');
  process.exit(2);
}

const { engine, close } = await openSchemaEngine();
try {
  const existing = await readMigrationsList();
  await engine.applyMigrations({ migrationsList: existing, filters: noFilters });

  // Besides its advice, devDiagnostic fills the engine cache that createMigration reads.
  const diagnostic = await engine.devDiagnostic({ migrationsList: existing, filters: noFilters });
  if (diagnostic.action.tag === 'reset') {
    // On a fresh database this means the committed migrations disagree with their own history.
    throw new Error(`the committed migrations are inconsistent: ${diagnostic.action.reason}`);
  }

  const created = await engine.createMigration({
    draft: false,
    migrationName: name,
    migrationsList: existing,
    schema: await readSchemaFiles(),
    filters: noFilters,
  });
  if (created.migrationScript === null) {
    console.log('The schema and the migrations already agree: no migration created.');
  } else {
    const folder = join(migrationsDir, created.generatedMigrationName);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `migration.${created.extension}`), created.migrationScript, 'utf8');
    await writeFile(join(migrationsDir, 'migration_lock.toml'), lockfileContent(created.connectorType), 'utf8');

    try {
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList: await readMigrationsList(),
        filters: noFilters,
      });
      if (!appliedMigrationNames.includes(created.generatedMigrationName)) throw new Error('it was not applied');
    } catch (error) {
      // Leave no migration behind that every later run would trip over.
      await rm(folder, { recursive: true, force: true });
      throw new Error(`the new migration does not apply: ${error.message}`, { cause: error });
    }
    console.log(`Created prisma/migrations/${created.generatedMigrationName}/migration.${created.extension}`);
  }
} catch (error) {
  // The engine's messages name the migration and the SQL error; its JS stack would only add noise.
  console.error(`No migration created: ${error.message}`);
  process.exitCode = 1;
} finally {
  await close();
}
