// The start-up migration runner on PostgreSQL, each test on a database of its own that it drops afterwards.
// Needs the server at PRIVID_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
import { afterEach, describe, expect, it } from 'vitest';

import { type Database, openDatabase } from '../../../src/server/db/database.js';
import { migrate, MigrationError } from '../../../src/server/db/migrate.js';
import {
  BROKEN_MIGRATION,
  COMMITTED_MIGRATIONS,
  createPgDatabase,
  makeTempDir,
  migrationsWithBrokenOne,
  roundTripOffer,
} from './fixtures.js';

/** Everything a test opened, closed after it whatever happened, the databases dropped last. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshDatabase(): Promise<string> {
  const created = await createPgDatabase();
  cleanups.push(created.drop);
  return created.url;
}

async function open(url: string): Promise<Database> {
  const db = await openDatabase(url);
  cleanups.push(() => db.close());
  return db;
}

describe('migrate on PostgreSQL', () => {
  it('migrates a fresh database, which Prisma Client can then use, and is then a no-op', async () => {
    const db = await open(await freshDatabase());
    expect(db.kind).toBe('postgres');

    const first = await migrate(db);
    expect(first.applied).toEqual(COMMITTED_MIGRATIONS);
    expect(await migrate(db)).toEqual({ applied: [] });

    await roundTripOffer(db.prisma);
  });

  it('lets only one of two processes starting at once apply the migrations', async () => {
    const url = await freshDatabase();
    // Two databases objects have two pools, like two server processes.
    const [a, b] = await Promise.all([open(url), open(url)]);

    const results = await Promise.all([migrate(a), migrate(b)]);

    const applied = results.map((result) => result.applied.length).sort();
    expect(applied).toEqual([0, COMMITTED_MIGRATIONS.length]);
    const rows = await a.withSession((session) => session.query('SELECT 1 FROM _prisma_migrations'));
    expect(rows).toHaveLength(COMMITTED_MIGRATIONS.length);
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const temp = await makeTempDir();
    cleanups.push(temp.remove);
    const migrations = await migrationsWithBrokenOne(temp.path);
    const db = await open(await freshDatabase());

    await expect(migrate(db, { migrationsDir: migrations.dir })).rejects.toThrow(MigrationError);

    const state = await db.withSession(async (session) => ({
      probe: await session.query<{ exists: boolean }>(`SELECT to_regclass('broken_probe') IS NOT NULL AS exists`),
      names: await session.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations'),
    }));
    expect(state.probe).toEqual([{ exists: false }]);
    expect(state.names.map((row) => row.migration_name)).toEqual(COMMITTED_MIGRATIONS);

    await migrations.repair();
    expect(await migrate(db, { migrationsDir: migrations.dir })).toEqual({ applied: [BROKEN_MIGRATION] });
  });
});
