/**
 * The privid server: the shared platform (database, migrations, KEK, admin token, built-in
 * schemas, authentication, ops routes) and the role plugins that PRIVID_ROLES selects.
 *
 * `buildServer` is what `npm start`, the OpenAPI generator and the API tests all run, so they
 * all get the same routes.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createFastify } from './app.js';
import { Authenticator, AuthFailureLimiter } from './auth.js';
import type { Role, ServerConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { ensureAdminToken } from './admin/bootstrap.js';
import { adminLabRoutes } from './admin/routes.js';
import { ISSUER_COMPONENTS } from './issuer/api-schemas.js';
import { issuerRoutes } from './issuer/routes.js';
import { seedBuiltinSchemas } from './issuer/schemas.js';
import { defaultIssuanceCrypto, type IssuanceCrypto } from './issuer/issuance.js';
import { ProblemComponent } from './ops/http.js';
import { opsRoutes } from './ops/routes.js';
import { qrImageRoutes } from './qr/routes.js';
import { webRoutes } from './web/routes.js';
import { loadKek, type Kek } from './security/kek.js';
import { verifierPlugin } from './verifier/service.js';
import { localBus, pgBus, type ClusterBus } from './cluster/bus.js';
import { CounterKeys, MemoryCounters, PgCounters, type Counters } from './cluster/counters.js';
import { CounterBinding } from './cluster/rate-limit-store.js';
import { parseDatabaseUrl } from './db/database-url.js';

export type App = Awaited<ReturnType<typeof createFastify>>;

/** What every route plugin gets: the settings, the database and the shared services. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly db: Database;
  readonly kek: Kek;
  /**
   * A key derived from the KEK for offer codes that must be reproducible (Idempotency-Key replays);
   * see issuer/offers.ts.
   */
  readonly offerCodeKey: Uint8Array;
  readonly auth: Authenticator;
  /**
   * How this process tells the other replicas on the same PostgreSQL what changed (and itself: every
   * message is also delivered here); in-process only on the embedded database.
   */
  readonly bus: ClusterBus;
  readonly issuance: IssuanceCrypto;
  /** The current time (tests move it). */
  now(): Date;
  /** Today's day number: whole days since 1970-01-01 UTC. */
  today(): number;
}

/** Registers a role's routes on (an encapsulated child of) the app. */
export type RoutePlugin = (app: App, ctx: ServerContext) => Promise<void> | void;

/**
 * The routes of each role. The verifier's routes are a plugin of the same shape: adding it is
 * one line here.
 */
export const ROLE_PLUGINS: Readonly<Record<Role, readonly RoutePlugin[]>> = {
  issuer: [adminLabRoutes, issuerRoutes],
  verifier: [verifierPlugin],
};

export interface BuildServerOptions {
  /** pino destination, for tests that inspect the logs; defaults to stdout. */
  readonly stream?: NodeJS.WritableStream;
  /** The clock; defaults to the system clock. */
  readonly now?: () => Date;
  /** The issuance cryptography; defaults to privid/credential's (tests may wrap it). */
  readonly issuance?: IssuanceCrypto;
  /** Revoke every admin token and create a new one (`npm start -- --reset-admin-token`). */
  readonly resetAdminToken?: boolean;
}

export interface PrividServer {
  readonly app: App;
  readonly db: Database;
  readonly config: ServerConfig;
  readonly context: ServerContext;
  /** The admin token created by this start (first start on this database, or a reset), shown once; else undefined. */
  readonly initialAdminToken: string | undefined;
  /** Closes fastify (in-flight requests finish first), then the database. */
  close(): Promise<void>;
}

const MS_PER_DAY = 86_400_000;
/** Windows that are over are deleted this often. */
const COUNTER_SWEEP_MS = 60_000;

export async function buildServer(config: ServerConfig, options: BuildServerOptions = {}): Promise<PrividServer> {
  const rateCounters = new CounterBinding();
  const app = await createFastify(config, { ...(options.stream ? { stream: options.stream } : {}), rateCounters });
  let db: Database | undefined;
  let bus: ClusterBus | undefined;
  try {
    const kek = loadKek({ kek: config.kek, kekFile: config.kekFile, warn: (message) => app.log.warn(message) });
    const offerCodeKey = kek.deriveKey('privid offer code v1');

    db = await openDatabase(config.databaseUrl, {
      onIdleConnectionError: (error) => app.log.error({ err: { message: error.message } }, 'database connection lost'),
    });
    const migrated = await migrate(db);
    if (migrated.applied.length > 0) app.log.info({ migrations: migrated.applied }, 'database migrated');
    await seedBuiltinSchemas(db.prisma);
    const initialAdminToken = await ensureAdminToken(db.prisma, { reset: options.resetAdminToken ?? false });

    const now = options.now ?? (() => new Date());
    const today = () => Math.floor(now().getTime() / MS_PER_DAY);

    // Replicas on one PostgreSQL share their counters and talk over LISTEN/NOTIFY; the embedded
    // database has one process, which keeps both in memory.
    const target = parseDatabaseUrl(config.databaseUrl);
    const counters: Counters = target.kind === 'postgres' ? new PgCounters(db) : new MemoryCounters();
    const counterKeys = new CounterKeys(kek);
    rateCounters.bind(counters, counterKeys);
    const busLog = app.log;
    bus =
      target.kind === 'postgres'
        ? await pgBus({ connectionString: target.connectionString, prisma: db.prisma, kek, log: busLog })
        : localBus(busLog);
    const clusterBus = bus;
    const sweep = setInterval(() => {
      counters.sweep(now().getTime()).catch((error: unknown) => {
        app.log.error(
          { err: { message: error instanceof Error ? error.message : String(error) } },
          'counter sweep failed',
        );
      });
    }, COUNTER_SWEEP_MS);
    sweep.unref();
    app.addHook('onClose', async () => {
      clearInterval(sweep);
    });

    const context: ServerContext = {
      config,
      db,
      kek,
      offerCodeKey,
      auth: new Authenticator({
        prisma: db.prisma,
        limiter: new AuthFailureLimiter({
          counters,
          keys: counterKeys,
          perCredential: config.authFailureRateLimitPerMinute,
          perAddress: config.authFailureAddressLimitPerMinute,
          now: () => now().getTime(),
        }),
        today,
      }),
      bus: clusterBus,
      issuance: options.issuance ?? defaultIssuanceCrypto,
      now,
      today,
    };

    for (const schema of [ProblemComponent, ...ISSUER_COMPONENTS]) app.addSchema(schema);
    await app.register(async (scope) => opsRoutes(scope.withTypeProvider<TypeBoxTypeProvider>() as App, context));
    await app.register(async (scope) =>
      qrImageRoutes(scope.withTypeProvider<TypeBoxTypeProvider>() as App, config.publicUrl),
    );
    await app.register(async (scope) => webRoutes(scope.withTypeProvider<TypeBoxTypeProvider>() as App, context));
    for (const role of (['issuer', 'verifier'] as const).filter((r) => config.roles.has(r))) {
      for (const plugin of ROLE_PLUGINS[role]) {
        await app.register(async (scope) => plugin(scope.withTypeProvider<TypeBoxTypeProvider>() as App, context));
      }
    }
    await app.ready();

    const database = db;
    let closing: Promise<void> | undefined;
    return {
      app,
      db: database,
      config,
      context,
      initialAdminToken,
      close: () =>
        (closing ??= (async () => {
          try {
            await app.close();
          } finally {
            await clusterBus.close();
            await database.close();
          }
        })()),
    };
  } catch (error) {
    await app.close().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    throw error;
  }
}
