// A full privid server for API tests, on the embedded database (pglite:memory, or a folder for
// restart tests) or on a fresh PostgreSQL database, with a movable clock and optional log capture.
// Requests go through app.inject: no port, no network.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { loadConfig } from '../../../src/server/config.js';
import { buildServer, type BuildServerOptions, type PrividServer } from '../../../src/server/server.js';
import { createPgDatabase } from '../db/fixtures.js';

export type DbKind = 'pglite' | 'postgres';
/** Every API test runs on both. */
export const DB_KINDS: readonly DbKind[] = ['pglite', 'postgres'];

/** A clock the test moves; starts at the real time. */
export class TestClock {
  #offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.#offsetMs);
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

/** pino's output, one parsed line at a time. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** Where a test server keeps its data; survives restarts until drop(). */
export interface TestDatabase {
  readonly kind: DbKind;
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database: pglite:memory (or a temporary folder when it must survive a restart) or a new
 * PostgreSQL database on PRIVID_TEST_PG_URL's server.
 */
export async function testDatabase(kind: DbKind, options: { persistent?: boolean } = {}): Promise<TestDatabase> {
  if (kind === 'postgres') {
    const created = await createPgDatabase();
    return { kind, url: created.url, drop: created.drop };
  }
  if (!options.persistent) return { kind, url: 'pglite:memory', drop: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'privid-server-test-'));
  return { kind, url: `pglite:${join(dir, 'pglite')}`, drop: () => rm(dir, { recursive: true, force: true }) };
}

export interface TestServerOptions extends Omit<BuildServerOptions, 'now' | 'stream'> {
  /** Extra settings (environment variables). */
  readonly env?: Record<string, string>;
  /** Reuse a database (restart tests); otherwise a fresh one is created and dropped on close. */
  readonly database?: TestDatabase;
  /** The KEK, base64; a restart must pass the first start's. */
  readonly kek?: string;
  readonly clock?: TestClock;
  readonly logs?: LogCapture;
}

export interface TestServer {
  readonly kind: DbKind;
  readonly server: PrividServer;
  readonly app: PrividServer['app'];
  readonly database: TestDatabase;
  readonly kek: string;
  readonly clock: TestClock;
  /** Admin token of the first start; undefined after a restart on the same database. */
  readonly adminToken: string;
  /** Closes the server (then drops the database if this server created it). */
  close(): Promise<void>;
}

export const TEST_PUBLIC_URL = 'https://issuer.test';

/**
 * The issuer role alone: what the issuer's tests run (the verifier, with its worker pool, has tests
 * of its own).
 */
export function startIssuerServer(kind: DbKind, options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer(kind, { ...options, env: { PRIVID_ROLES: 'issuer', ...options.env } });
}

export async function startTestServer(kind: DbKind, options: TestServerOptions = {}): Promise<TestServer> {
  const ownsDatabase = options.database === undefined;
  const database = options.database ?? (await testDatabase(kind));
  const kek = options.kek ?? randomBytes(32).toString('base64');
  const clock = options.clock ?? new TestClock();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PRIVID_KEK: kek,
    PRIVID_DATA_DIR: join(tmpdir(), 'privid-test-data-unused'),
    PRIVID_PUBLIC_URL: TEST_PUBLIC_URL,
    PRIVID_LOG_LEVEL: options.logs ? 'info' : 'silent',
    PRIVID_REDEEM_RATE_LIMIT: '1000000',
    PRIVID_AUTH_FAILURE_RATE_LIMIT: '1000000',
    ...options.env,
  });
  let server: PrividServer;
  try {
    server = await buildServer(config, {
      now: clock.now,
      ...(options.logs ? { stream: options.logs } : {}),
      ...(options.issuance ? { issuance: options.issuance } : {}),
      ...(options.resetAdminToken ? { resetAdminToken: true } : {}),
    });
  } catch (error) {
    if (ownsDatabase) await database.drop();
    throw error;
  }
  return {
    kind,
    server,
    app: server.app,
    database,
    kek,
    clock,
    adminToken: server.initialAdminToken ?? '',
    async close() {
      await server.close();
      if (ownsDatabase) await database.drop();
    },
  };
}

/**
 * Tables whose rows come and go with traffic by design and are not stored data: rate_counters (the
 * UNLOGGED fixed-window counters, HMAC keys) counts the very requests a "nothing changed" test sends.
 */
const EPHEMERAL_TABLES: ReadonlySet<string> = new Set(['rate_counters']);

/**
 * Every row of every table of the database, as JSON text per table: for "nothing changed" tests
 * (ephemeral tables left out) and privacy scans (pass `includeEphemeral`: they must see everything).
 */
export async function dumpTables(
  server: PrividServer,
  options: { includeEphemeral?: boolean } = {},
): Promise<Record<string, string[]>> {
  return server.db.withSession(async (session) => {
    const tables = await session.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const dump: Record<string, string[]> = {};
    for (const { table_name: table } of tables) {
      if (!options.includeEphemeral && EPHEMERAL_TABLES.has(table)) continue;
      const rows = await session.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
      dump[table] = rows.map((r) => r.row).sort();
    }
    return dump;
  });
}
