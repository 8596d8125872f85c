// The runner keeps _prisma_migrations so that Prisma's own engine (the one behind `prisma migrate deploy`)
// agrees with it, in both directions. Checked with the WASM build of that engine on its in-memory PGlite.
import { describe, expect, it } from 'vitest';

import type { Database } from '../../../src/server/db/database.js';
import { migrate } from '../../../src/server/db/migrate.js';
import { pgliteSession } from '../../../src/server/db/sql-session.js';
import {
  noFilters,
  type OfflineSchemaEngine,
  openSchemaEngine,
  readMigrationsList,
} from '../../../scripts/lib/schema-engine.mjs';

/** What migrate() needs of a Database, on the PGlite the engine works on. */
function onEngineDatabase({ database }: OfflineSchemaEngine): Pick<Database, 'withSession'> {
  return { withSession: (fn) => fn(pgliteSession(database)) };
}

describe("the runner's migration history, as Prisma's schema engine sees it", () => {
  it('is complete after the runner migrated, and the runner has nothing to add after Prisma migrated', async () => {
    const migrationsList = await readMigrationsList();

    const runnerFirst = await openSchemaEngine();
    try {
      expect((await migrate(onEngineDatabase(runnerFirst))).applied).toHaveLength(
        migrationsList.migrationDirectories.length,
      );

      const diagnosis = await runnerFirst.engine.diagnoseMigrationHistory({
        migrationsList,
        optInToShadowDatabase: false,
        filters: noFilters,
      });
      expect(diagnosis).toMatchObject({ history: null, editedMigrationNames: [], failedMigrationNames: [] });
      expect(await runnerFirst.engine.applyMigrations({ migrationsList, filters: noFilters })).toEqual({
        appliedMigrationNames: [],
      });
    } finally {
      await runnerFirst.close();
    }

    const prismaFirst = await openSchemaEngine();
    try {
      await prismaFirst.engine.applyMigrations({ migrationsList, filters: noFilters });
      expect(await migrate(onEngineDatabase(prismaFirst))).toEqual({ applied: [] });
    } finally {
      await prismaFirst.close();
    }
  });
});
