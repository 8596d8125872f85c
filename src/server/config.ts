/**
 * Every setting of the privid server, read once from the environment with defaults that work
 * on a fresh machine (embedded database under ./data). The README's settings table mirrors
 * SETTINGS below; keep them in step.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export type Role = 'issuer' | 'verifier';

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** `pglite:<folder>`, `pglite:memory`, or `postgresql://...`. */
  readonly databaseUrl: string;
  readonly roles: ReadonlySet<Role>;
  /** Base URL that wallets and verifiers use to reach this server (offers, metadata). */
  readonly publicUrl: string;
  /** Key-encryption key for issuer secret keys: base64 of 32 bytes, or undefined to use kekFile. */
  readonly kek: string | undefined;
  readonly kekFile: string;
  readonly corsOrigins: readonly string[];
  /**
   * Which reverse proxies' X-Forwarded-For is believed, so rate limits see clients, not the proxy:
   * false (none), a hop count, or the proxies' addresses and CIDR ranges. Never "any".
   */
  readonly trustProxy: TrustProxy;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Seconds a client may take to send a whole request (headers within min(10, this)). */
  readonly requestTimeoutSeconds: number;
  readonly offerTtlSeconds: number;
  readonly requestTtlSeconds: number;
  readonly retentionDays: number;
  readonly redeemRateLimitPerMinute: number;
  readonly authFailureRateLimitPerMinute: number;
  readonly authFailureAddressLimitPerMinute: number;
  readonly submitRateLimitPerMinute: number;
  readonly verifyWorkers: number;
  readonly verifyQueueLimit: number;
  readonly verifyMaxBatch: number;
  /** Bytes of undelivered outcomes (disclosed values) held in memory for venues. */
  readonly outcomeHoldBytes: number;
  /** Event streams and long polls open at once. */
  readonly eventWaiters: number;
  readonly trustSyncIntervalSeconds: number;
}

/** fastify's trustProxy: false, a number of hops, or a list of proxy addresses/CIDRs (proxy-addr syntax). */
export type TrustProxy = false | number | readonly string[];

export interface SettingDoc {
  readonly name: string;
  readonly default: string;
  readonly meaning: string;
}

/** The single list of settings: read by loadConfig and printed in the README. */
export const SETTINGS: readonly SettingDoc[] = [
  { name: 'PORT', default: '3000', meaning: 'TCP port to listen on.' },
  { name: 'HOST', default: '127.0.0.1', meaning: 'Interface to listen on (0.0.0.0 in containers).' },
  {
    name: 'PRIVID_DATA_DIR',
    default: './data',
    meaning: 'Folder for the embedded database and the generated KEK file.',
  },
  {
    name: 'DATABASE_URL',
    default: 'pglite:<PRIVID_DATA_DIR>/pglite',
    meaning: '`pglite:<folder>` (embedded), `pglite:memory`, or `postgresql://user@host:port/db` (production).',
  },
  {
    name: 'PRIVID_ROLES',
    default: 'issuer,verifier',
    meaning: 'Which APIs this instance serves: issuer, verifier or both.',
  },
  {
    name: 'PRIVID_PUBLIC_URL',
    default: 'http://<HOST>:<PORT>',
    meaning: 'External base URL put into offers and issuer metadata.',
  },
  {
    name: 'PRIVID_KEK',
    default: '(unset)',
    meaning: 'Key-encryption key for issuer secret keys, base64 of 32 bytes. Put it in a secret store in production.',
  },
  {
    name: 'PRIVID_KEK_FILE',
    default: '<PRIVID_DATA_DIR>/kek.key',
    meaning: 'Used when PRIVID_KEK is unset; created with mode 0600 on first start (with a warning).',
  },
  { name: 'PRIVID_CORS_ORIGINS', default: '(none)', meaning: 'Comma-separated wallet web origins allowed by CORS.' },
  {
    name: 'PRIVID_TRUST_PROXY',
    default: 'false',
    meaning:
      'Behind reverse proxies: their hop count (e.g. `1`) or a comma-separated list of their addresses/CIDRs (e.g. `10.0.0.0/8,::1`, `loopback`), so rate limits key on the client from X-Forwarded-For. `true` (believe anyone) is refused. Never logged.',
  },
  { name: 'PRIVID_LOG_LEVEL', default: 'info', meaning: 'pino log level.' },
  { name: 'PRIVID_BODY_LIMIT', default: '65536', meaning: 'Maximum request body in bytes.' },
  {
    name: 'PRIVID_REQUEST_TIMEOUT',
    default: '30',
    meaning:
      'Seconds a client may take to send a whole request (its headers: at most 10); slower ones get 408 and are disconnected.',
  },
  { name: 'PRIVID_OFFER_TTL', default: '86400', meaning: 'Seconds a credential offer can be redeemed.' },
  {
    name: 'PRIVID_REQUEST_TTL',
    default: '120',
    meaning:
      'Seconds a presentation request (and its nonce) stays valid; at most 600 (wallets refuse longer-lived requests).',
  },
  { name: 'PRIVID_RETENTION_DAYS', default: '7', meaning: 'Days request outcomes are kept before purging.' },
  { name: 'PRIVID_REDEEM_RATE_LIMIT', default: '30', meaning: 'Offer redemptions per client per minute.' },
  {
    name: 'PRIVID_AUTH_FAILURE_RATE_LIMIT',
    default: '20',
    meaning: 'Failed authentications per presented credential (token, offer code) per minute.',
  },
  {
    name: 'PRIVID_AUTH_FAILURE_ADDRESS_LIMIT',
    default: '200',
    meaning: 'Failed authentications per client address per minute: a coarse second limit, set well above the first.',
  },
  { name: 'PRIVID_SUBMIT_RATE_LIMIT', default: '120', meaning: 'Presentation submissions per client per minute.' },
  { name: 'PRIVID_VERIFY_WORKERS', default: '(number of cores)', meaning: 'Worker threads verifying proofs.' },
  { name: 'PRIVID_VERIFY_QUEUE', default: '256', meaning: 'Queued verifications before answering 429.' },
  {
    name: 'PRIVID_VERIFY_BATCH',
    default: '16',
    meaning: 'Most queued verifications a worker checks with one combined pairing check (1: no batching).',
  },
  {
    name: 'PRIVID_OUTCOME_HOLD_BYTES',
    default: '16777216',
    meaning:
      'Bytes of undelivered outcomes (disclosed values) held in memory for venues; past it the oldest are dropped (the venue still sees status and outcome code).',
  },
  {
    name: 'PRIVID_EVENT_WAITERS',
    default: '1000',
    meaning: 'Venue event streams and long polls open at once (all venues); past it 429 OVERLOADED.',
  },
  {
    name: 'PRIVID_TRUST_SYNC_INTERVAL',
    default: '300',
    meaning:
      'Seconds between trust-list syncs with remote issuers (conditional requests with ETags). This server’s own issuers are seen at once.',
  },
];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cores = 2): ServerConfig {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST ?? '127.0.0.1';
  const dataDir = resolve(env.PRIVID_DATA_DIR ?? './data');
  const roles = new Set<Role>();
  for (const role of (env.PRIVID_ROLES ?? 'issuer,verifier').split(',').map((r) => r.trim())) {
    if (role !== 'issuer' && role !== 'verifier') throw new ConfigError(`PRIVID_ROLES: unknown role "${role}"`);
    roles.add(role);
  }
  const databaseUrl = env.DATABASE_URL ?? `pglite:${resolve(dataDir, 'pglite')}`;
  if (!/^(pglite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with pglite: or postgresql://');
  }
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    roles,
    publicUrl: (env.PRIVID_PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, ''),
    kek: env.PRIVID_KEK || undefined,
    kekFile: resolve(env.PRIVID_KEK_FILE ?? resolve(dataDir, 'kek.key')),
    corsOrigins: (env.PRIVID_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: trustProxyOf(env.PRIVID_TRUST_PROXY),
    logLevel: env.PRIVID_LOG_LEVEL ?? 'info',
    bodyLimitBytes: int(env, 'PRIVID_BODY_LIMIT', 65536, 1024, 16 * 1024 * 1024),
    requestTimeoutSeconds: int(env, 'PRIVID_REQUEST_TIMEOUT', 30, 1, 600),
    offerTtlSeconds: int(env, 'PRIVID_OFFER_TTL', 86400, 10, 30 * 86400),
    requestTtlSeconds: int(env, 'PRIVID_REQUEST_TTL', 120, 5, 600),
    retentionDays: int(env, 'PRIVID_RETENTION_DAYS', 7, 0, 3650),
    redeemRateLimitPerMinute: int(env, 'PRIVID_REDEEM_RATE_LIMIT', 30, 1, 1_000_000),
    authFailureRateLimitPerMinute: int(env, 'PRIVID_AUTH_FAILURE_RATE_LIMIT', 20, 1, 1_000_000),
    authFailureAddressLimitPerMinute: int(env, 'PRIVID_AUTH_FAILURE_ADDRESS_LIMIT', 200, 1, 1_000_000),
    submitRateLimitPerMinute: int(env, 'PRIVID_SUBMIT_RATE_LIMIT', 120, 1, 1_000_000),
    verifyWorkers: int(env, 'PRIVID_VERIFY_WORKERS', cores, 0, 256),
    verifyQueueLimit: int(env, 'PRIVID_VERIFY_QUEUE', 256, 1, 1_000_000),
    verifyMaxBatch: int(env, 'PRIVID_VERIFY_BATCH', 16, 1, 256),
    outcomeHoldBytes: int(env, 'PRIVID_OUTCOME_HOLD_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    eventWaiters: int(env, 'PRIVID_EVENT_WAITERS', 1000, 1, 1_000_000),
    trustSyncIntervalSeconds: int(env, 'PRIVID_TRUST_SYNC_INTERVAL', 300, 10, 7 * 86400),
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * PRIVID_TRUST_PROXY: unset or false → trust no X-Forwarded-For; a positive integer → that many proxy
 * hops; otherwise a comma-separated list of proxy addresses and CIDR ranges. `true` would let any
 * client choose the address its rate limits key on (rotate it to escape them, or spoof a victim's to
 * lock the victim out), so it is refused with a message saying what to set instead.
 */
export function trustProxyOf(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') {
    throw new ConfigError(
      'PRIVID_TRUST_PROXY=true would trust any X-Forwarded-For: give the number of proxy hops (e.g. 1) or the proxies’ addresses/CIDRs (e.g. 10.0.0.0/8)',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 16) throw new ConfigError(`PRIVID_TRUST_PROXY: ${hops} proxy hops is not plausible (at most 16)`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isProxyAddress(entry)) {
      throw new ConfigError(
        `PRIVID_TRUST_PROXY: "${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  return entries;
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

function int(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}
