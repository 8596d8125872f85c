// A burst larger than the connection pool is a normal condition, not a server fault: when Prisma
// cannot start a transaction in time (P2028), the client gets 503 UNAVAILABLE with Retry-After and
// nothing was changed. Reproduced here on real PostgreSQL with a pool of one connection held by
// another transaction; the replicas test meets the same condition with 50 concurrent redemptions.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/server/app.js';
import { PrismaClient } from '../../src/server/db/generated/client.js';
import { testDatabase, type TestDatabase } from './support/server.js';

describe('a database with every connection busy', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let prisma: PrismaClient;
  beforeAll(async () => {
    db = await testDatabase('postgres');
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
    await db?.drop();
  });

  it('answers 503 UNAVAILABLE with Retry-After when no transaction can start in time (P2028)', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holder = prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      await held;
    });
    // Let the first transaction take the only connection.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const error = await prisma
      .$transaction(async (tx) => tx.$queryRaw`SELECT 1`, { maxWait: 100 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    release();
    await holder;
    expect((error as { code?: string }).code).toBe('P2028');
    const api = toApiError(error as never);
    expect({ status: api.status, code: api.code, retryAfter: api.extensions.retryAfter }).toEqual({
      status: 503,
      code: 'UNAVAILABLE',
      retryAfter: 1,
    });
  });
});
