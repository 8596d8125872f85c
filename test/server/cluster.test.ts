// The cluster bus between replicas (PostgreSQL LISTEN/NOTIFY): sealed payloads that a listener on the
// database cannot read, long messages in chunks, no echo to the sender; and what rides on it, with two
// servers in this process on one PostgreSQL database (each its own pool and listener, as two replicas):
// a trust-list change on one is in force on the other within a second. Plus the crash settlement of
// requests left `verifying`.
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BusSeal, CHANNEL, pgBus, type ClusterBus } from '../../src/server/cluster/bus.js';
import { openDatabase, type Database } from '../../src/server/db/database.js';
import { kekFromBytes } from '../../src/server/security/kek.js';
import { verifierServiceOf } from '../../src/server/verifier/service.js';
import { createPgDatabase } from './db/fixtures.js';
import { testDatabase, type TestDatabase } from './support/server.js';
import {
  adultWallet,
  barPolicy,
  bearer,
  createPolicy,
  createVenue,
  expectStatus,
  newRequest,
  poll,
  present,
  startTestServer,
  submit,
  TestIssuer,
  trustPinned,
  type TestServer,
} from './verifier/support.js';

const silent = { warn: () => undefined, error: () => undefined };

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}

describe('BusSeal', () => {
  it('opens what it sealed, and nothing altered or sealed under another KEK', () => {
    const seal = new BusSeal(kekFromBytes(randomBytes(32)));
    const sealed = seal.seal('ageOver18=true');
    expect(sealed).not.toContain('ageOver18');
    expect(seal.open(sealed)).toBe('ageOver18=true');
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[20]! ^= 1;
    expect(seal.open(bytes.toString('base64url'))).toBeUndefined();
    expect(new BusSeal(kekFromBytes(randomBytes(32))).open(sealed)).toBeUndefined();
    expect(seal.open('')).toBeUndefined();
  });
});

describe('the PostgreSQL bus', () => {
  let drop: (() => Promise<void>) | undefined;
  let url: string;
  let databases: Database[] = [];
  let buses: ClusterBus[] = [];
  let spy: pg.Client | undefined;
  const spied: string[] = [];
  const kek = kekFromBytes(randomBytes(32));

  beforeAll(async () => {
    ({ url, drop } = await createPgDatabase());
    databases = [await openDatabase(url), await openDatabase(url)];
    buses = await Promise.all(
      databases.map((db) => pgBus({ connectionString: url, prisma: db.prisma, kek, log: silent })),
    );
    spy = new pg.Client({ connectionString: url });
    await spy.connect();
    spy.on('notification', (n) => spied.push(n.payload ?? ''));
    await spy.query(`LISTEN ${CHANNEL}`);
  });
  afterAll(async () => {
    await spy?.end();
    for (const bus of buses) await bus.close();
    for (const db of databases) await db.close();
    await drop?.();
  });

  it('delivers a long message once to the other process, sealed and in chunks under 8000 bytes', async () => {
    const [one, two] = buses as [ClusterBus, ClusterBus];
    const received: string[][] = [[], []];
    one.subscribe('outcome', (m) => void received[0]!.push(m));
    two.subscribe('outcome', (m) => void received[1]!.push(m));
    const message = JSON.stringify({ testResult: 'negative', name: 'Zoë 🎟️'.repeat(1000), filler: 'x'.repeat(9000) });
    await one.publish('outcome', message);
    expect(await until(() => received[1]!.length === 1, 5000)).toBe(true);
    expect(received[1]).toEqual([message]);
    // Delivered here once (directly), not a second time through PostgreSQL.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received[0]).toEqual([message]);
    // What PostgreSQL carried (and may spill to pg_notify files): ciphertext only, in chunks.
    expect(spied.length).toBeGreaterThanOrEqual(3);
    for (const payload of spied) {
      expect(Buffer.byteLength(payload)).toBeLessThan(8000);
      expect(payload).not.toContain('negative');
      expect(payload).not.toContain('xxxx');
    }
  });

  it('ignores a payload not sealed under the KEK', async () => {
    const received: string[] = [];
    buses[1]!.subscribe('trust', (m) => void received.push(m));
    await spy!.query('SELECT pg_notify($1, $2)', [CHANNEL, 'not-sealed']);
    await buses[0]!.publish('trust', 'sealed');
    expect(await until(() => received.length === 1, 5000)).toBe(true);
    expect(received).toEqual(['sealed']);
  });
});

describe('two servers on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const lab = new TestIssuer();

  beforeAll(async () => {
    database = await testDatabase('postgres');
    const env = { PRIVID_VERIFY_WORKERS: '0' };
    a = await startTestServer('postgres', { database, env });
    b = await startTestServer('postgres', { database, env, kek: a.kek });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('puts a trust-list change at A in force at B within a second, without a reload from B', async () => {
    const atB = verifierServiceOf(b.server.context)!;
    const known = () => atB.trustList().issuers.some((issuer) => issuer.issuerId === lab.issuerId);
    expect(known()).toBe(false);
    const entry = await trustPinned(a, lab);
    expect(await until(known, 1000)).toBe(true);

    // Accepted at B; then removed at A and refused at B on the next answer.
    const venue = await createVenue(a);
    await createPolicy(a, venue, 'bar', barPolicy([lab.issuerId]));
    const wallet = await adultWallet(b, lab);
    const first = await newRequest(b, venue, 'bar');
    const ok = await submit(b, first.id, await present(b, wallet, first.request));
    expect(ok.json()).toMatchObject({ status: 'accepted' });

    const removed = await a.app.inject({
      method: 'DELETE',
      url: `/v1/admin/trusted-issuers/${entry.id}`,
      headers: bearer(a.adminToken),
    });
    expectStatus(removed, 200);
    expect(await until(() => !known(), 1000)).toBe(true);
    const second = await newRequest(b, venue, 'bar');
    const refused = await submit(b, second.id, await present(b, wallet, second.request));
    expect(refused.json()).toMatchObject({ status: 'rejected' });
  });

  it('settles a stale verification left by a stopped replica, never one another replica is running', async () => {
    const venue = await createVenue(a);
    await createPolicy(a, venue, 'bar', barPolicy(['https://x.test/v1/issuers/1']));
    const created = await newRequest(a, venue, 'bar');
    const prisma = a.server.db.prisma;
    // What another replica's claim looks like while it verifies: fresh, so left alone.
    await prisma.presentationRequest.update({
      where: { id: created.id },
      data: { status: 'verifying', verifyingSince: a.clock.now() },
    });
    await verifierServiceOf(b.server.context)!.housekeeping();
    expect(await poll(a, venue, created.id)).toMatchObject({ status: 'verifying' });
    // Older than any verification takes: settled, never accepted.
    b.clock.advance(2 * 60_000 + 1000);
    try {
      await verifierServiceOf(b.server.context)!.housekeeping();
    } finally {
      b.clock.advance(-(2 * 60_000 + 1000));
    }
    expect(await poll(a, venue, created.id)).toMatchObject({ status: 'rejected', outcomeCode: 'INTERRUPTED' });
  });
});

describe('a restart on the embedded database', () => {
  let database: TestDatabase;
  afterAll(async () => {
    await database?.drop();
  });

  it('settles every request a crash left verifying, at once', async () => {
    database = await testDatabase('pglite', { persistent: true });
    const first = await startTestServer('pglite', { database, env: { PRIVID_VERIFY_WORKERS: '0' } });
    const venue = await createVenue(first);
    await createPolicy(first, venue, 'bar', barPolicy(['https://x.test/v1/issuers/1']));
    const created = await newRequest(first, venue, 'bar');
    await first.server.db.prisma.presentationRequest.update({
      where: { id: created.id },
      data: { status: 'verifying', verifyingSince: first.clock.now() },
    });
    await first.close();

    const second = await startTestServer('pglite', { database, kek: first.kek, env: { PRIVID_VERIFY_WORKERS: '0' } });
    try {
      expect(await poll(second, venue, created.id)).toMatchObject({ status: 'rejected', outcomeCode: 'INTERRUPTED' });
    } finally {
      await second.close();
    }
  });
});
