/**
 * The verifier role: its services (trust store, verification pool, outcome hub, venue keys), its
 * schedules (trust-list sync every PRIVID_TRUST_SYNC_INTERVAL seconds, reload from the database and
 * housekeeping every minute) and its routes, as one route plugin for buildServer.
 *
 * What the replicas tell each other (cluster/bus.ts), and what this role does about it:
 * - `trust`: the trust list changed → reload it from the database;
 * - `issuer-keys`: a lab of this service changed its keys → re-read its metadata now, so a revoked key
 *   is rejected (and a rotated-in key accepted) on the next presentation, not at the next sync;
 * - `outcome`, `outcome-taken`: see outcomes.ts; `venue-keys`: see venues.ts.
 * After the bus reconnects (messages may have been missed) the trust list is reloaded.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialSchema } from '../../credential/index.js';
import type { TrustList } from '../../verifier/index.js';
import type { App, ServerContext } from '../server.js';
import type { TrustListSnapshot } from './engine.js';
import { OutcomeHub } from './outcomes.js';
import { VerifyPool } from './pool.js';
import { purge, PURGE_INTERVAL_MS } from './purge.js';
import type { Services } from './requests.js';
import { verifierRoutes } from './routes.js';
import { trustListOf } from './trust-list.js';
import { httpMetadataFetcher, TrustStore, type MetadataFetcher } from './trust.js';
import { VerifierSigningKeys } from './signing-keys.js';
import { VenueKeys } from './venues.js';
import { WaiterLimit } from './waiters.js';
import { issuerIdOf } from '../issuer/keys.js';

/** A safety net: other processes' trust-list changes arrive over the bus, and at the latest within this. */
const TRUST_RELOAD_MS = 60_000;

export interface VerifierService {
  readonly trust: TrustStore;
  readonly pool: VerifyPool;
  readonly hub: OutcomeHub;
  readonly venueKeys: VenueKeys;
  /** The request-object signing keys (JWKS at /.well-known/jwks.json). */
  readonly signingKeys: VerifierSigningKeys;
  /** Event streams and long polls open now, bounded by PRIVID_EVENT_WAITERS. */
  readonly waiters: WaiterLimit;
  readonly services: Services;
  /** The current trust list in privid/verifier's format. */
  trustList(): TrustList;
  /** Runs the housekeeping (expiry, interrupted verifications, retention purge) now. */
  housekeeping(): Promise<void>;
}

const services = new WeakMap<ServerContext, VerifierService>();

/** The verifier service of a server (for tests, benchmarks and tools); undefined without the verifier role. */
export function verifierServiceOf(ctx: ServerContext): VerifierService | undefined {
  return services.get(ctx);
}

export interface VerifierOptions {
  /** How issuer metadata is fetched; default: over HTTP, or in-process for this server's own issuers. */
  readonly fetcher?: MetadataFetcher;
}

/**
 * Issuer metadata over HTTP, except this server's own issuers (PRIVID_ROLES with issuer), which are
 * read in-process through fastify's inject: same route, same ETag, no network.
 */
export function selfAwareFetcher(app: App, ctx: ServerContext): MetadataFetcher {
  const own = `${ctx.config.publicUrl}/v1/issuers/`;
  return async (url, etag) => {
    if (!ctx.config.roles.has('issuer') || !url.startsWith(own)) return httpMetadataFetcher(url, etag);
    const response = await app.inject({
      method: 'GET',
      url: url.slice(ctx.config.publicUrl.length),
      headers: etag ? { 'if-none-match': etag } : {},
    });
    if (response.statusCode === 304) return { status: 304 };
    if (response.statusCode !== 200) throw new Error(`the issuer answered HTTP ${response.statusCode}`);
    const header = response.headers.etag;
    return { status: 200, body: response.json(), etag: typeof header === 'string' ? header : undefined };
  };
}

export async function createVerifierService(
  app: App,
  ctx: ServerContext,
  options: VerifierOptions = {},
): Promise<VerifierService> {
  const log = app.log;
  const trust = new TrustStore({
    prisma: ctx.db.prisma,
    fetcher: options.fetcher ?? selfAwareFetcher(app, ctx),
    now: ctx.now,
    onSyncError: (id, message) => log.warn({ trustedIssuerId: id, error: message }, 'trust-list sync failed'),
    announce: () => ctx.bus.publish('trust', '', { here: false }),
  });
  await trust.reload();
  ctx.bus.subscribe('trust', async () => {
    await trust.reload();
  });
  ctx.bus.subscribe('issuer-keys', async (labId) => {
    await syncOwnIssuer(trust, issuerIdOf(ctx.config.publicUrl, labId));
  });
  ctx.bus.onResync(async () => {
    await trust.reload();
  });

  // The engine's view of the trust list, rebuilt once per change. The store id keeps versions of
  // two servers in one process (tests) apart.
  const storeId = randomBytes(6).toString('base64url');
  let snapshot: { version: number; value: TrustListSnapshot } | undefined;
  const current = (): TrustListSnapshot => {
    if (snapshot?.version !== trust.version) {
      const schemas = new Map<string, CredentialSchema>();
      for (const entry of trust.entries) for (const s of entry.snapshot.schemas) schemas.set(`${s.id}@${s.version}`, s);
      snapshot = {
        version: trust.version,
        value: {
          version: `${storeId}:${trust.version}`,
          trustList: trustListOf(trust.entries),
          schemas: [...schemas.values()],
        },
      };
    }
    return snapshot.value;
  };

  const pool = new VerifyPool({
    workers: ctx.config.verifyWorkers,
    queueLimit: ctx.config.verifyQueueLimit,
    maxBatch: ctx.config.verifyMaxBatch,
    trust: {
      get version() {
        return trust.version;
      },
      current,
    },
    onWorkerError: (message) => log.error({ err: { message } }, 'verification worker failed'),
  });
  const hub = new OutcomeHub({ now: () => ctx.now().getTime(), maxHeldBytes: ctx.config.outcomeHoldBytes });
  hub.attach(ctx.bus, log);
  const venueKeys = new VenueKeys(ctx, ctx.bus);
  const signingKeys = new VerifierSigningKeys(ctx);
  await signingKeys.init();
  const servicesOfRole: Services = { ctx, pool, hub, signingKeys, log };

  const housekeeping = async (options: { atStart?: boolean } = {}) => {
    hub.sweep();
    const result = await purge(ctx.db.prisma, ctx.now(), ctx.config.retentionDays, {
      // The embedded database belongs to this process alone: whatever is `verifying` at start was
      // left by a crash. On PostgreSQL another replica may be verifying; only stale claims are settled.
      allInterrupted: options.atStart === true && !ctx.bus.shared,
    });
    if (result.deletedRequests + result.deletedPseudonyms + result.interrupted > 0) {
      log.info(result, 'verifier housekeeping');
    }
  };
  await housekeeping({ atStart: true });
  const timers = [
    setInterval(
      () => housekeeping().catch((error: unknown) => log.error({ err: errorOf(error) }, 'purge failed')),
      PURGE_INTERVAL_MS,
    ),
    setInterval(
      () => trust.syncAll().catch((error: unknown) => log.error({ err: errorOf(error) }, 'trust-list sync failed')),
      ctx.config.trustSyncIntervalSeconds * 1000,
    ),
    setInterval(
      () => trust.reload().catch((error: unknown) => log.error({ err: errorOf(error) }, 'trust-list reload failed')),
      TRUST_RELOAD_MS,
    ),
  ];
  for (const timer of timers) timer.unref();
  app.addHook('onClose', async () => {
    for (const timer of timers) clearInterval(timer);
    hub.clear();
    await pool.close();
  });

  const service: VerifierService = {
    trust,
    pool,
    hub,
    venueKeys,
    signingKeys,
    waiters: new WaiterLimit(ctx.config.eventWaiters),
    services: servicesOfRole,
    trustList: () => current().trustList,
    housekeeping: () => housekeeping(),
  };
  services.set(ctx, service);
  return service;
}

/** Re-reads the metadata of the trusted issuers that follow this issuer id (this service's own lab). */
async function syncOwnIssuer(trust: TrustStore, issuerId: string): Promise<void> {
  await trust.reload();
  const ids = trust.entries.filter((e) => e.row.metadataUrl === issuerId).map((e) => e.row.id);
  await Promise.all(ids.map((id) => trust.resync(id)));
}

function errorOf(error: unknown) {
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The verifier role's route plugin (registered by buildServer for PRIVID_ROLES=verifier). */
export async function verifierPlugin(app: App, ctx: ServerContext): Promise<void> {
  const service = await createVerifierService(app, ctx);
  await verifierRoutes(service)(app, ctx);
}
