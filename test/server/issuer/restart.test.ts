// A restart in the middle of work: the server closes while requests are in flight and reopens on
// the same PGlite folder / PostgreSQL database. Keys, offers and the admin token survive, and
// nothing is half-written.
import { afterAll, describe, expect, it } from 'vitest';

import { bearer, covidOffer, createOffer, expectProblem, expectStatus, labWithKey, redeem } from '../support/api.js';
import { holderFor, verifyCredential } from '../support/holder.js';
import { DB_KINDS, LogCapture, startIssuerServer, testDatabase, type TestDatabase } from '../support/server.js';

describe.each(DB_KINDS)('restart on %s', (kind) => {
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
  });

  it('keeps keys, offers and the admin token across a restart with requests in flight', async () => {
    database = await testDatabase(kind, { persistent: true });
    const first = await startIssuerServer(kind, { database });
    const { adminToken, kek } = first;
    expect(adminToken).toMatch(/^adm_/);
    const lab = await labWithKey(first);
    const pending = await createOffer(first, lab);
    const redeemed = await createOffer(first, lab);
    expectStatus(await redeem(first, holderFor(redeemed.offer).request), 200);
    const inFlightOffers = await Promise.all(Array.from({ length: 8 }, () => createOffer(first, lab)));

    // Over HTTP, requests in flight when the server is told to stop: offers being created and redeemed.
    const base = await first.app.listen({ port: 0, host: '127.0.0.1' });
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      try {
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as { id?: string } };
      } catch {
        return { status: 0, body: {} };
      }
    };
    const graceful = [
      ...Array.from({ length: 4 }, (_, i) =>
        post('/v1/offers', covidOffer(first), { ...bearer(lab.apiKey), 'idempotency-key': `flight-${i}` }),
      ),
      ...inFlightOffers
        .slice(0, 4)
        .map((offer) => post(`/v1/offers/${offer.id}/redeem`, holderFor(offer.offer).request)),
    ];
    // Wait until the server holds every connection, so that these requests are in flight.
    const connections = () =>
      new Promise<number>((resolve) => first.app.server.getConnections((_error, count) => resolve(count)));
    for (let i = 0; i < 200 && (await connections()) < graceful.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // A crash in the middle: the database goes away under requests that are being processed.
    const crashed = inFlightOffers.slice(4).map((offer) => redeem(first, holderFor(offer.offer).request));
    const closing = first.server.close();
    const answered = await Promise.all(graceful);
    await Promise.allSettled(crashed);
    await closing;
    // Requests the server had accepted were finished before it closed the database.
    expect(answered.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect(answered.some((a) => a.status === 200 || a.status === 201)).toBe(true);

    const second = await startIssuerServer(kind, { database, kek });
    try {
      // No second admin token; the first one still works, as does the lab's API key.
      expect(second.server.initialAdminToken).toBeUndefined();
      expectStatus(await second.app.inject({ method: 'GET', url: '/v1/admin/labs', headers: bearer(adminToken) }), 200);
      const listed = await second.app.inject({
        method: 'GET',
        url: '/v1/offers?limit=200',
        headers: bearer(lab.apiKey),
      });
      expectStatus(listed, 200);
      const statuses = Object.fromEntries(
        listed.json().offers.map((o: { id: string; status: string }) => [o.id, o.status]),
      );
      expect(statuses[pending.id]).toBe('pending');
      expect(statuses[redeemed.id]).toBe('redeemed');

      // Every offer whose creation was answered is in the database.
      for (const a of answered) if (a.status === 201) expect(statuses[a.body.id!]).toBeDefined();

      // Nothing half-written: states, values and audit events agree for every offer.
      const prisma = second.server.db.prisma;
      const offers = await prisma.offer.findMany({ where: { labId: lab.labId } });
      for (const offer of offers) {
        // Values are stored only sealed under the offer code (crypto-shredding), never in the clear.
        expect(offer.attributes).toBeNull();
        if (offer.status === 'redeemed') {
          expect(offer.sealedAttributes).toBeNull();
          expect(offer.redeemedAt).not.toBeNull();
        } else {
          expect(offer.status).toBe('pending');
          expect(offer.sealedAttributes).not.toBeNull();
          expect(offer.redeemedAt).toBeNull();
        }
        const events = await prisma.auditEvent.findMany({ where: { subjectId: offer.id } });
        expect(events.filter((e) => e.action === 'offer.created')).toHaveLength(1);
        expect(events.filter((e) => e.action === 'offer.redeemed')).toHaveLength(offer.status === 'redeemed' ? 1 : 0);
      }
      expect(await prisma.schema.count({ where: { labId: null } })).toBe(3);
      expect(await prisma.apiKey.count({ where: { ownerKind: 'admin' } })).toBe(1);

      // The pending offer redeems after the restart: the sealed key opens with the same KEK.
      const after = holderFor(pending.offer);
      const res = await redeem(second, after.request);
      expectStatus(res, 200);
      const metadata = (await second.app.inject({ method: 'GET', url: `/v1/issuers/${lab.labId}` })).json();
      const publicKey = new Uint8Array(Buffer.from(metadata.keys[0].jwk.x, 'base64url'));
      expect(verifyCredential(res.json(), publicKey, after)).toBe(true);
    } finally {
      await second.server.close();
    }

    // A lost admin token: a start with --reset-admin-token revokes it and shows a new one.
    let stranded: { id: string; offer: { offerId: string } } = { id: '', offer: { offerId: '' } };
    const third = await startIssuerServer(kind, { database, kek, resetAdminToken: true });
    try {
      const token = third.server.initialAdminToken!;
      expect(token).toMatch(/^adm_/);
      expectStatus(await third.app.inject({ method: 'GET', url: '/v1/admin/labs', headers: bearer(token) }), 200);
      const old = await third.app.inject({ method: 'GET', url: '/v1/admin/labs', headers: bearer(adminToken) });
      expect(old.statusCode).toBe(401);
      stranded = await createOffer(third, lab);
    } finally {
      await third.server.close();
    }

    // Started with another KEK: the server says so, and refuses to sign rather than sign wrongly.
    const logs = new LogCapture();
    const fourth = await startIssuerServer(kind, { database, logs });
    try {
      expect(logs.text).toContain('sealed under another KEK');
      const res = await redeem(fourth, holderFor(stranded.offer).request);
      expectProblem(res, 500, 'INTERNAL');
      const row = await fourth.server.db.prisma.offer.findUniqueOrThrow({ where: { id: stranded.id } });
      expect(row.status).toBe('pending');
    } finally {
      await fourth.server.close();
    }
  });

  it("a built-in's invariants follow the code at start; its layout must not change", async () => {
    const db = await testDatabase(kind, { persistent: true });
    try {
      const first = await startIssuerServer(kind, { database: db });
      const lab = await labWithKey(first);
      const where = { id_version: { id: 'privid:age-band', version: 1 } };
      const row = await first.server.db.prisma.schema.findUniqueOrThrow({ where });
      const { invariants, ...stored } = row.definition as Record<string, unknown>;
      expect(invariants).toHaveLength(4);
      // A database written by a privid without invariants.
      await first.server.db.prisma.schema.update({ where, data: { definition: stored as object } });
      await first.close();

      const second = await startIssuerServer(kind, { database: db, kek: first.kek });
      try {
        const updated = await second.server.db.prisma.schema.findUniqueOrThrow({ where });
        expect((updated.definition as { invariants?: unknown[] }).invariants).toHaveLength(4);
        const res = await second.app.inject({
          method: 'POST',
          url: '/v1/offers',
          headers: bearer(lab.apiKey),
          payload: {
            schemaRef: 'privid:age-band@1',
            attributes: { band: 'under-18', ageOver18: true, ageOver21: false },
            validDays: 1,
          },
        });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        // An edited layout is still refused at start.
        const attributes = (stored.attributes as { name: string }[]).slice(0, 2);
        await second.server.db.prisma.schema.update({ where, data: { definition: { ...stored, attributes } } });
      } finally {
        await second.server.close();
      }
      await expect(startIssuerServer(kind, { database: db, kek: first.kek })).rejects.toThrow(
        /privid:age-band@1 differs from this version of privid/,
      );
    } finally {
      await db.drop();
    }
  });
});
