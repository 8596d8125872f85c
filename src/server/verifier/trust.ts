/**
 * The verifier's trust list: the issuers whose credentials venues accept, each followed through its
 * published metadata URL or pinned to keys the admin gave.
 *
 * The snapshot of each issuer (keys with their status, and the schemas it publishes) is kept in the
 * database (TrustedIssuer.snapshot) and in memory, so verification never waits on the network. A sync
 * fetches the metadata with If-None-Match (the stored ETag); on 304 nothing changes; on any failure
 * (unreachable, bad status, invalid document, invalid key) the old snapshot stays in force and the
 * error is recorded in lastSyncError. Retired keys keep verifying the credentials they signed; revoked
 * keys are kept in the snapshot marked revoked, and the verifier rejects their credentials.
 *
 * Replicas: every change this store makes (add, remove, a sync that changed a snapshot) is announced
 * (`announce`, the cluster bus's `trust` message), and every replica reloads from the database when
 * told, so a change on one replica is in force on all within milliseconds.
 */
import type { Actor } from '../audit.js';
import { recordAudit } from '../audit.js';
import { Prisma, type PrismaClient, type TrustedIssuer } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import { BodyTooLargeError, readBodyWithin } from '../ops/bounded-body.js';
import {
  MetadataError,
  parseIssuerMetadata,
  snapshotFromJson,
  snapshotToJson,
  type IssuerSnapshot,
  type SnapshotKey,
} from './metadata.js';

export type MetadataFetchResult =
  { readonly status: 200; readonly body: unknown; readonly etag: string | undefined } | { readonly status: 304 };

/** Fetches issuer metadata; throws on anything but 200 or 304. */
export type MetadataFetcher = (url: string, etag: string | undefined) => Promise<MetadataFetchResult>;

const FETCH_TIMEOUT_MS = 10_000;
const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_ERROR_LENGTH = 500;

/** Issuer metadata over HTTP(S) with Node's fetch: a timeout, no redirects, a size limit. */
export const httpMetadataFetcher: MetadataFetcher = async (url, etag) => {
  const response = await fetch(url, {
    headers: { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
    redirect: 'error',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (response.status === 304) {
    await response.body?.cancel();
    return { status: 304 };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new MetadataError(`the issuer answered HTTP ${response.status}`);
  }
  // Streamed with the limit enforced as it arrives (ops/bounded-body.ts), never read whole first.
  const bytes = await readBodyWithin(response, MAX_METADATA_BYTES).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError
      ? new MetadataError(`the metadata is too large (${error.message})`)
      : error;
  });
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new MetadataError('the metadata is not JSON');
  }
  return { status: 200, body, etag: response.headers.get('etag') ?? undefined };
};

/** A human-readable reason for a failed sync, without stack traces. */
export function describeSyncError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, MAX_ERROR_LENGTH);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail =
    typeof cause?.code === 'string'
      ? ` (${cause.code})`
      : typeof cause?.message === 'string'
        ? ` (${cause.message})`
        : '';
  const name = error.name === 'TimeoutError' ? 'timed out' : error.message;
  return `${name}${detail}`.slice(0, MAX_ERROR_LENGTH);
}

export interface TrustEntry {
  readonly row: TrustedIssuer;
  readonly snapshot: IssuerSnapshot;
}

export interface TrustStoreOptions {
  readonly prisma: PrismaClient;
  readonly fetcher: MetadataFetcher;
  readonly now: () => Date;
  readonly onSyncError?: (id: string, message: string) => void;
  /** Tells the other replicas that the trust list changed in the database. */
  readonly announce?: () => Promise<void>;
}

export interface PinnedIssuerInput {
  readonly issuerId: string;
  readonly label: string;
  readonly name?: string;
  readonly keys: readonly SnapshotKey[];
  readonly schemas: IssuerSnapshot['schemas'];
}

export class TrustStore {
  readonly #prisma: PrismaClient;
  readonly #fetcher: MetadataFetcher;
  readonly #now: () => Date;
  readonly #onSyncError: (id: string, message: string) => void;
  readonly #announce: () => Promise<void>;
  #reloads: Promise<unknown> = Promise.resolve();
  #entries: TrustEntry[] = [];
  #fingerprint = '';
  #version = 0;
  readonly #listeners = new Set<() => void>();
  readonly #syncing = new Map<string, Promise<TrustedIssuer>>();

  constructor(options: TrustStoreOptions) {
    this.#prisma = options.prisma;
    this.#fetcher = options.fetcher;
    this.#now = options.now;
    this.#onSyncError = options.onSyncError ?? (() => undefined);
    this.#announce = options.announce ?? (async () => undefined);
  }

  /** Increases whenever the set of snapshots changes. */
  get version(): number {
    return this.#version;
  }

  get entries(): readonly TrustEntry[] {
    return this.#entries;
  }

  /** Calls listener after every change of the snapshots. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads the trust list from the database (other processes may have changed it); true if it changed. */
  reload(): Promise<boolean> {
    // One at a time, so that an older read never replaces a newer one.
    const run = this.#reloads.then(() => this.#reload());
    this.#reloads = run.catch(() => false);
    return run;
  }

  async #reload(): Promise<boolean> {
    const rows = await this.#prisma.trustedIssuer.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const entries = rows.map((row) => ({ row, snapshot: snapshotFromJson(row.snapshot) }));
    const fingerprint = JSON.stringify(entries.map((e) => [e.row.id, e.snapshot]));
    this.#entries = entries;
    if (fingerprint !== this.#fingerprint) {
      this.#fingerprint = fingerprint;
      this.#version++;
      for (const listener of this.#listeners) listener();
      return true;
    }
    return false;
  }

  find(id: string): TrustEntry | undefined {
    return this.#entries.find((e) => e.row.id === id);
  }

  /** The snapshot of an issuer id, if trusted. */
  issuer(issuerId: string): IssuerSnapshot | undefined {
    return this.#entries.find((e) => e.snapshot.issuerId === issuerId)?.snapshot;
  }

  async addByMetadataUrl(actor: Actor, metadataUrl: string, label: string | undefined): Promise<TrustedIssuer> {
    this.#requireNewIssuer(metadataUrl);
    let row: TrustedIssuer;
    try {
      row = await this.#prisma.$transaction(async (tx) => {
        const created = await tx.trustedIssuer.create({
          data: {
            source: 'metadata_url',
            metadataUrl,
            label: label ?? metadataUrl,
            snapshot: snapshotToJson({
              issuerId: metadataUrl,
              name: '',
              keys: [],
              schemas: [],
            }) as Prisma.InputJsonObject,
          },
        });
        await recordAudit(tx, actor, 'trusted_issuer.added', created.id);
        return created;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ApiError('CONFLICT', 'this metadata URL is already on the trust list');
      }
      throw error;
    }
    // The first sync: on failure the issuer stays listed with lastSyncError, and the schedule retries.
    return this.sync(row.id);
  }

  async addPinned(actor: Actor, input: PinnedIssuerInput): Promise<TrustedIssuer> {
    this.#requireNewIssuer(input.issuerId);
    const snapshot: IssuerSnapshot = {
      issuerId: input.issuerId,
      name: input.name ?? input.label,
      keys: input.keys,
      schemas: input.schemas,
    };
    const row = await this.#prisma.$transaction(async (tx) => {
      const created = await tx.trustedIssuer.create({
        data: {
          source: 'key',
          label: input.label,
          snapshot: snapshotToJson(snapshot) as Prisma.InputJsonObject,
          lastSyncedAt: this.#now(),
        },
      });
      await recordAudit(tx, actor, 'trusted_issuer.added', created.id);
      return created;
    });
    await this.reload();
    await this.#announce();
    return row;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.#prisma.$transaction(async (tx) => {
      const deleted = await tx.trustedIssuer.deleteMany({ where: { id } });
      if (deleted.count !== 1) throw new ApiError('NOT_FOUND', 'no such trusted issuer');
      await recordAudit(tx, actor, 'trusted_issuer.removed', id);
    });
    await this.reload();
    await this.#announce();
  }

  /** Syncs one issuer now (pinned issuers have nothing to sync). Never throws for network problems. */
  sync(id: string): Promise<TrustedIssuer> {
    const running = this.#syncing.get(id);
    if (running) return running;
    const run = this.#sync(id).finally(() => this.#syncing.delete(id));
    this.#syncing.set(id, run);
    return run;
  }

  /** A sync that starts after any running one: for changes committed just now. */
  async resync(id: string): Promise<TrustedIssuer> {
    await this.#syncing.get(id)?.catch(() => undefined);
    return this.sync(id);
  }

  /** Syncs every issuer followed by URL; resolves when all are done. */
  async syncAll(): Promise<TrustedIssuer[]> {
    await this.reload();
    const ids = this.#entries.filter((e) => e.row.source === 'metadata_url').map((e) => e.row.id);
    const rows = await Promise.all(ids.map((id) => this.sync(id).catch(() => undefined)));
    return rows.filter((row): row is TrustedIssuer => row !== undefined);
  }

  async #sync(id: string): Promise<TrustedIssuer> {
    const row = await this.#prisma.trustedIssuer.findUnique({ where: { id } });
    if (!row) throw new ApiError('NOT_FOUND', 'no such trusted issuer');
    if (row.source !== 'metadata_url' || row.metadataUrl === null) return row;
    const url = row.metadataUrl;
    const now = this.#now();
    let updated: TrustedIssuer;
    try {
      const result = await this.#fetcher(url, row.etag ?? undefined);
      if (result.status === 304) {
        updated = await this.#prisma.trustedIssuer.update({
          where: { id },
          data: { lastSyncedAt: now, lastSyncError: null },
        });
      } else {
        const snapshot = parseIssuerMetadata(result.body, url);
        updated = await this.#prisma.trustedIssuer.update({
          where: { id },
          data: {
            snapshot: snapshotToJson(snapshot) as Prisma.InputJsonObject,
            etag: result.etag ?? null,
            lastSyncedAt: now,
            lastSyncError: null,
          },
        });
      }
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError) throw error;
      const message = describeSyncError(error);
      this.#onSyncError(id, message);
      const failed = await this.#prisma.trustedIssuer.updateMany({ where: { id }, data: { lastSyncError: message } });
      if (failed.count !== 1) throw new ApiError('NOT_FOUND', 'no such trusted issuer');
      updated = { ...row, lastSyncError: message };
    }
    if (await this.reload()) await this.#announce();
    return updated;
  }

  #requireNewIssuer(issuerId: string): void {
    if (this.#entries.some((e) => e.snapshot.issuerId === issuerId || e.row.metadataUrl === issuerId)) {
      throw new ApiError('CONFLICT', 'this issuer is already on the trust list');
    }
  }
}
