/**
 * The cluster bus: how the processes (replicas) of one privid service on one PostgreSQL tell each other
 * what changed, within milliseconds, without a broker of their own.
 *
 * - On PostgreSQL: LISTEN/NOTIFY on one channel. Every message is sealed with AES-256-GCM under a key
 *   derived from the KEK (all replicas share the KEK), because a NOTIFY payload is not as fleeting as
 *   it looks: when a listener lags, PostgreSQL queues payloads in pg_notify files on disk. A message
 *   longer than one NOTIFY allows (8000 bytes) is cut into chunks sent in one transaction.
 * - On the embedded database (PGlite): one process owns the data, so the bus only delivers in-process.
 *
 * A message is delivered to this process's subscribers first (awaited by publish), then to the other
 * processes; a process ignores its own messages when they come back through PostgreSQL. When the
 * listening connection drops, messages can be lost: `connected` turns false (callers stop trusting
 * caches meanwhile) and, once it is back, every onResync handler runs so caches are rebuilt from the
 * database.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PrismaClient } from '../db/generated/client.js';
import type { Kek } from '../security/kek.js';

/** What the replicas tell each other. */
export type Topic =
  /** A request's outcome with the disclosed values, for the venue's screens (verifier/outcome-relay.ts). */
  | 'outcome'
  /** A request's outcome was handed to the venue: other replicas drop their copy. */
  | 'outcome-taken'
  /** The trust list changed in the database: reload it. */
  | 'trust'
  /** A lab's issuer keys changed (created, rotated, retired, revoked): re-read its metadata. */
  | 'issuer-keys'
  /** A venue API key was revoked or a venue disabled: forget cached authentications. */
  | 'venue-keys';

const TOPICS: ReadonlySet<string> = new Set<Topic>(['outcome', 'outcome-taken', 'trust', 'issuer-keys', 'venue-keys']);

export type Handler = (message: string) => void | Promise<void>;

export interface PublishOptions {
  /** Whether this process's own subscribers get the message too (default true). */
  readonly here?: boolean;
}

export interface ClusterBus {
  /** Whether other processes may share the database (PostgreSQL). */
  readonly shared: boolean;
  /** Whether messages from other processes are arriving now (always true when not shared). */
  readonly connected: boolean;
  /**
   * Delivers to this process's subscribers (awaited; unless `here` is false, for a caller that has
   * already acted on the message itself), then to every other process.
   */
  publish(topic: Topic, message: string, options?: PublishOptions): Promise<void>;
  subscribe(topic: Topic, handler: Handler): () => void;
  /** Called after the connection to the other processes was lost and is back (messages may be missed). */
  onResync(handler: () => void | Promise<void>): () => void;
  close(): Promise<void>;
}

export const CHANNEL = 'privid_cluster';
/**
 * PostgreSQL's limit is 8000 bytes per payload. A chunk of 4000 bytes of the message becomes 5336
 * characters of base64url in the envelope, about 7300 once the envelope is sealed and encoded again.
 */
const CHUNK_BYTES = 4000;
/** A message is at most this long (an outcome with its disclosed values is a few kilobytes). */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_PARTIAL_MESSAGES = 1000;
const PARTIAL_TTL_MS = 10_000;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

export interface BusLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

class Subscribers {
  readonly #handlers = new Map<Topic, Set<Handler>>();
  readonly #resync = new Set<() => void | Promise<void>>();
  readonly #log: BusLog;

  constructor(log: BusLog) {
    this.#log = log;
  }

  subscribe(topic: Topic, handler: Handler): () => void {
    let set = this.#handlers.get(topic);
    if (!set) this.#handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  onResync(handler: () => void | Promise<void>): () => void {
    this.#resync.add(handler);
    return () => this.#resync.delete(handler);
  }

  async deliver(topic: Topic, message: string): Promise<void> {
    const handlers = [...(this.#handlers.get(topic) ?? [])];
    const results = await Promise.allSettled(handlers.map(async (handler) => handler(message)));
    for (const result of results) {
      if (result.status === 'rejected') this.#log.error({ err: messageOf(result.reason), topic }, 'bus handler failed');
    }
  }

  async resync(): Promise<void> {
    const results = await Promise.allSettled([...this.#resync].map(async (handler) => handler()));
    for (const result of results) {
      if (result.status === 'rejected') this.#log.error({ err: messageOf(result.reason) }, 'bus resync failed');
    }
  }
}

function messageOf(error: unknown) {
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The embedded database's bus: this process only. */
export function localBus(log: BusLog): ClusterBus {
  const subscribers = new Subscribers(log);
  return {
    shared: false,
    connected: true,
    publish: async (topic, message, options) => {
      if (options?.here !== false) await subscribers.deliver(topic, message);
    },
    subscribe: (topic, handler) => subscribers.subscribe(topic, handler),
    onResync: (handler) => subscribers.onResync(handler),
    close: async () => undefined,
  };
}

/** AES-256-GCM for bus messages; the channel name is the additional data. */
export class BusSeal {
  readonly #key: Buffer;

  constructor(kek: Kek) {
    this.#key = Buffer.from(kek.deriveKey('privid cluster bus v1'));
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(CHANNEL));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([nonce, body]).toString('base64url');
  }

  /** The plaintext, or undefined when the text was not sealed under this KEK (or was altered). */
  open(sealed: string): string | undefined {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 12 + 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(CHANNEL));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/**
 * Wire format of one NOTIFY payload (inside the seal): origin, topic, message id, chunk index and
 * count, and the chunk (base64url of the message's UTF-8 bytes).
 */
interface Envelope {
  readonly o: string;
  readonly t: Topic;
  readonly id: string;
  readonly i: number;
  readonly n: number;
  readonly m: string;
}

export interface PgBusOptions {
  readonly connectionString: string;
  readonly prisma: PrismaClient;
  readonly kek: Kek;
  readonly log: BusLog;
}

/**
 * The PostgreSQL bus: one dedicated connection LISTENs; messages are sent with pg_notify through
 * Prisma's pool. Resolves once the listener is connected, so a started server misses nothing.
 */
export async function pgBus(options: PgBusOptions): Promise<ClusterBus> {
  const bus = new PgBus(options);
  await bus.start();
  return bus;
}

class PgBus implements ClusterBus {
  readonly shared = true;
  readonly #options: PgBusOptions;
  readonly #subscribers: Subscribers;
  readonly #seal: BusSeal;
  /** Identifies this process's messages, which come back through PostgreSQL. */
  readonly #origin = randomBytes(9).toString('base64url');
  readonly #partial = new Map<string, { parts: (string | undefined)[]; until: number }>();
  #client: pg.Client | undefined;
  #connected = false;
  #closed = false;
  #retryMs = RECONNECT_MIN_MS;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: PgBusOptions) {
    this.#options = options;
    this.#subscribers = new Subscribers(options.log);
    this.#seal = new BusSeal(options.kek);
  }

  get connected(): boolean {
    return this.#connected;
  }

  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.connectionString });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    client.on('notification', (notification) => {
      if (notification.channel === CHANNEL && notification.payload !== undefined) this.#receive(notification.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#connected = true;
    this.#retryMs = RECONNECT_MIN_MS;
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    this.#connected = false;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#options.log.warn({ err: { message: error.message } }, 'cluster bus connection lost, reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connect().then(
        () => this.#subscribers.resync(),
        (error: unknown) => {
          this.#options.log.warn({ err: messageOf(error) }, 'cluster bus reconnect failed');
          this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
          this.#scheduleReconnect();
        },
      );
    }, this.#retryMs);
    this.#retry.unref();
  }

  subscribe(topic: Topic, handler: Handler): () => void {
    return this.#subscribers.subscribe(topic, handler);
  }

  onResync(handler: () => void | Promise<void>): () => void {
    return this.#subscribers.onResync(handler);
  }

  async publish(topic: Topic, message: string, options?: PublishOptions): Promise<void> {
    const bytes = Buffer.from(message, 'utf8');
    if (bytes.length > MAX_MESSAGE_BYTES) throw new Error(`bus message too long (${bytes.length} bytes)`);
    if (options?.here !== false) await this.#subscribers.deliver(topic, message);
    const id = randomBytes(9).toString('base64url');
    const n = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
    const payloads: string[] = [];
    for (let i = 0; i < n; i++) {
      const envelope: Envelope = {
        o: this.#origin,
        t: topic,
        id,
        i,
        n,
        m: bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES).toString('base64url'),
      };
      payloads.push(this.#seal.seal(JSON.stringify(envelope)));
    }
    // One transaction: the chunks of a message reach the listeners together, at its commit.
    const prisma = this.#options.prisma;
    const notify = (payload: string) => prisma.$executeRawUnsafe(`SELECT pg_notify('${CHANNEL}', $1)`, payload);
    if (payloads.length === 1) await notify(payloads[0]!);
    else await prisma.$transaction(payloads.map(notify));
  }

  #receive(payload: string): void {
    const opened = this.#seal.open(payload);
    if (opened === undefined) {
      this.#options.log.warn({}, 'cluster bus: a message not sealed under this KEK was ignored');
      return;
    }
    let envelope: Envelope;
    try {
      envelope = JSON.parse(opened) as Envelope;
    } catch {
      return;
    }
    if (envelope.o === this.#origin || !TOPICS.has(envelope.t)) return;
    const message = this.#assemble(envelope);
    if (message !== undefined) void this.#subscribers.deliver(envelope.t, message);
  }

  #assemble(envelope: Envelope): string | undefined {
    const { n, i } = envelope;
    if (!Number.isInteger(n) || !Number.isInteger(i) || n < 1 || i < 0 || i >= n) return undefined;
    if (typeof envelope.m !== 'string') return undefined;
    if (n === 1) return Buffer.from(envelope.m, 'base64url').toString('utf8');
    if (n * CHUNK_BYTES > MAX_MESSAGE_BYTES + CHUNK_BYTES) return undefined;
    const key = `${envelope.o}:${envelope.id}`;
    const now = Date.now();
    let partial = this.#partial.get(key);
    if (!partial) {
      if (this.#partial.size >= MAX_PARTIAL_MESSAGES) {
        for (const [k, p] of this.#partial) if (p.until <= now) this.#partial.delete(k);
        if (this.#partial.size >= MAX_PARTIAL_MESSAGES) return undefined;
      }
      partial = { parts: new Array<string | undefined>(n).fill(undefined), until: now + PARTIAL_TTL_MS };
      this.#partial.set(key, partial);
    }
    if (partial.parts.length !== n) return undefined;
    partial.parts[i] = envelope.m;
    if (partial.parts.some((part) => part === undefined)) return undefined;
    this.#partial.delete(key);
    return Buffer.concat(partial.parts.map((part) => Buffer.from(part!, 'base64url'))).toString('utf8');
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#connected = false;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
