// The start-up migration runner on the embedded default, PGlite: in memory and persisted to a folder.
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { openDatabase } from '../../../src/server/db/database.js';
import { findMigrationsDir, migrate, MigrationError } from '../../../src/server/db/migrate.js';
import {
  BROKEN_MIGRATION,
  COMMITTED_MIGRATIONS,
  makeTempDir,
  migrationsWithBrokenOne,
  roundTripOffer,
} from './fixtures.js';

interface MigrationRecord {
  id: string;
  checksum: string;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  finished_at: Date | null;
  applied_steps_count: number;
}

describe('migrate on PGlite', () => {
  it('migrates a fresh in-memory database, records it as Prisma does, and is then a no-op', async () => {
    const db = await openDatabase('pglite:memory');
    try {
      expect(db.kind).toBe('pglite');
      const first = await migrate(db);
      expect(first.applied).toEqual(COMMITTED_MIGRATIONS);
      expect(await migrate(db)).toEqual({ applied: [] });

      const records = await db.withSession((session) =>
        session.query<MigrationRecord>('SELECT * FROM _prisma_migrations ORDER BY migration_name'),
      );
      const [record] = records;
      expect(records).toHaveLength(COMMITTED_MIGRATIONS.length);
      const file = await readFile(join(findMigrationsDir(), first.applied[0] ?? '', 'migration.sql'));
      expect(record).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        checksum: createHash('sha256').update(file).digest('hex'),
        migration_name: first.applied[0],
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(record?.finished_at?.getTime()).toBeGreaterThanOrEqual(record?.started_at.getTime() ?? Infinity);

      await roundTripOffer(db.prisma);
    } finally {
      await db.close();
    }
  });

  it('keeps a folder database across reopening, creating missing parent folders', async () => {
    const temp = await makeTempDir();
    const url = `pglite:${join(temp.path, 'not', 'yet', 'there')}`;
    try {
      const first = await openDatabase(url);
      try {
        expect((await migrate(first)).applied).toEqual(COMMITTED_MIGRATIONS);
        await first.prisma.lab.create({ data: { name: 'Persistent Lab' } });
      } finally {
        await first.close();
      }

      const reopened = await openDatabase(url);
      try {
        expect(await migrate(reopened)).toEqual({ applied: [] });
        expect(await reopened.prisma.lab.findUnique({ where: { name: 'Persistent Lab' } })).not.toBeNull();
      } finally {
        await reopened.close();
      }
    } finally {
      await temp.remove();
    }
  });

  it('rolls back a failing migration, records nothing for it, and applies it once repaired', async () => {
    const temp = await makeTempDir();
    const db = await openDatabase('pglite:memory');
    try {
      const migrations = await migrationsWithBrokenOne(temp.path);

      const failure = await migrate(db, { migrationsDir: migrations.dir }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      expect((failure as Error).message).toMatch(
        new RegExp(`^Migration ${BROKEN_MIGRATION} failed and was rolled back: .*uuid`),
      );

      const state = await db.withSession(async (session) => ({
        probe: await session.query<{ exists: boolean }>(`SELECT to_regclass('broken_probe') IS NOT NULL AS exists`),
        names: await session.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations'),
      }));
      expect(state.probe).toEqual([{ exists: false }]);
      // The migration before the broken one stays applied: each migration is its own transaction.
      expect(state.names.map((row) => row.migration_name)).toEqual(COMMITTED_MIGRATIONS);

      await migrations.repair();
      expect(await migrate(db, { migrationsDir: migrations.dir })).toEqual({ applied: [BROKEN_MIGRATION] });
    } finally {
      await db.close();
      await temp.remove();
    }
  });

  it('refuses to go on when an applied migration was edited or a failed one is recorded', async () => {
    const temp = await makeTempDir();
    const db = await openDatabase('pglite:memory');
    try {
      const migrationsDir = join(temp.path, 'migrations');
      await cp(findMigrationsDir(), migrationsDir, { recursive: true });
      const [init] = (await migrate(db, { migrationsDir })).applied;
      const initFile = join(migrationsDir, init ?? '', 'migration.sql');

      const original = await readFile(initFile, 'utf8');
      await writeFile(initFile, `${original}\n-- an afterthought\n`);
      await expect(migrate(db, { migrationsDir })).rejects.toThrow(
        new MigrationError(
          `Migration ${init} was modified after it was applied to this database: ` +
            'restore the applied version and put the change in a new migration',
        ),
      );
      await writeFile(initFile, original);

      // What `prisma migrate deploy` leaves behind when a migration fails half-way.
      await db.withSession((session) =>
        session.exec(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs)
           VALUES ('00000000-0000-4000-8000-000000000000', 'x', '99990101000000_half_done', 'syntax error')`,
        ),
      );
      await expect(migrate(db, { migrationsDir })).rejects.toThrow(
        /^Migration 99990101000000_half_done is recorded as failed/,
      );
    } finally {
      await db.close();
      await temp.remove();
    }
  });
});
