// Shared by the database tests: throwaway migration folders and PostgreSQL databases, and a round trip
// through the schema that proves the generated client works on a migrated database.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import { expect } from 'vitest';

import { Prisma, type PrismaClient } from '../../../src/server/db/generated/client.js';
import { findMigrationsDir } from '../../../src/server/db/migrate.js';

export const BROKEN_MIGRATION = '99990101000000_broken';

/** The committed migrations, in the order the runner applies them. */
export const COMMITTED_MIGRATIONS: readonly string[] = readdirSync(findMigrationsDir())
  .filter((name) => /^\d{14}_/.test(name))
  .sort();

/** A temporary folder, removed by the returned function. */
export async function makeTempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'privid-db-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A copy of the project's migrations plus one that creates a table and then fails, so a test can see that
 * the table did not survive. Returns the folder and a way to repair the broken migration.
 */
export async function migrationsWithBrokenOne(parent: string) {
  const dir = join(parent, 'migrations');
  await cp(findMigrationsDir(), dir, { recursive: true });
  const brokenFile = join(dir, BROKEN_MIGRATION, 'migration.sql');
  await mkdir(join(dir, BROKEN_MIGRATION));
  await writeFile(
    brokenFile,
    'CREATE TABLE "broken_probe" ("id" INTEGER);\n' +
      `INSERT INTO "labs" ("id", "name") VALUES ('not-a-uuid', 'Broken Lab');\n`,
  );
  return {
    dir,
    repair: () => writeFile(brokenFile, 'CREATE TABLE "broken_probe" ("id" INTEGER);\n'),
  };
}

/** Base URL of the PostgreSQL server the tests may create databases on. */
export const pgBaseUrl = process.env.PRIVID_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Creates a uniquely named, empty PostgreSQL database; drop() removes it even if connections remain. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `privid_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(pgBaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgBaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an offer the way the issuer will, redeems it, and checks that its attribute values are gone. */
export async function roundTripOffer(prisma: PrismaClient): Promise<void> {
  const lab = await prisma.lab.create({ data: { name: 'Test Lab' } });
  const key = await prisma.issuerKey.create({
    data: {
      id: 'kid-1',
      labId: lab.id,
      suite: 'BLS12_381_SHA_256',
      publicKey: new Uint8Array([1, 2, 3]),
      secretKeyCiphertext: new Uint8Array([4, 5, 6]),
      secretKeyNonce: new Uint8Array([7, 8, 9]),
      kekId: 'kek-1',
    },
  });
  await prisma.schema.create({
    data: { id: 'privid:covid-test-result', version: 1, definition: { attributes: ['result'] } },
  });
  const offer = await prisma.offer.create({
    data: {
      labId: lab.id,
      issuerKeyId: key.id,
      schemaId: 'privid:covid-test-result',
      schemaVersion: 1,
      codeHash: 'ab'.repeat(32),
      attributes: { result: 'negative' },
      validFromDay: 20_000,
      validUntilDay: 20_002,
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  expect(offer.status).toBe('pending');

  await prisma.offer.update({
    where: { codeHash: 'ab'.repeat(32) },
    data: { status: 'redeemed', redeemedAt: new Date(), attributes: Prisma.DbNull },
  });
  const redeemed = await prisma.offer.findUniqueOrThrow({ where: { id: offer.id }, include: { issuerKey: true } });
  expect(redeemed.attributes).toBeNull();
  expect(redeemed.issuerKey.publicKey).toEqual(new Uint8Array([1, 2, 3]));
}
