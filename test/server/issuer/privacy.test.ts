// What the issuer keeps and logs after a full issuance: no attribute value, no holder data, no
// secret, in any table or log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bearer, createOffer, expectStatus, labWithKey, redeem } from '../support/api.js';
import { holderFor } from '../support/holder.js';
import { DB_KINDS, dumpTables, LogCapture, startIssuerServer, type TestServer } from '../support/server.js';

describe.each(DB_KINDS)('privacy of a full issuance on %s', (kind) => {
  const logs = new LogCapture();
  let t: TestServer;
  beforeAll(async () => {
    t = await startIssuerServer(kind, { logs });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves no attribute value, holder data or secret in any table or log line', async () => {
    const holderAddress = '198.51.100.23';
    const lab = await labWithKey(t);
    const today = Math.floor(t.clock.now().getTime() / 86_400_000);
    // Distinctive values, unlike anything else stored (day numbers elsewhere are today and later).
    const sampleDay = today - 3;
    const created = await createOffer(
      t,
      lab,
      {
        schemaRef: 'privid:covid-test-result@1',
        attributes: { testResult: 'inconclusive', testType: 'lamp', sampleDay },
        validDays: 2,
      },
      { 'idempotency-key': 'privacy-check' },
    );
    const holder = holderFor(created.offer);
    const res = await redeem(t, holder.request, { remoteAddress: holderAddress });
    expectStatus(res, 200);
    const credential = res.json();
    // Failed attempts log too: a wrong code, a wrong API key.
    await redeem(t, { ...holder.request, code: Buffer.alloc(32, 5).toString('base64url') });
    await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(`${lab.apiKey.slice(0, -2)}zz`) });

    const key = await t.server.db.prisma.issuerKey.findUniqueOrThrow({ where: { id: lab.kid } });
    const secretKey = t.server.context.kek.decrypt(key.secretKeyCiphertext, key.secretKeyNonce, key.id);
    const commitment = Buffer.from(holder.commitmentWithProof);
    const secrets: Record<string, string[]> = {
      'attribute value testResult': ['inconclusive'],
      'attribute value testType': ['lamp'],
      'offer code': [created.code],
      'admin token': [t.adminToken],
      'lab API key': [lab.apiKey, lab.apiKey.slice(12)],
      commitment: [commitment.toString('base64url'), commitment.toString('hex'), commitment.toString('base64')],
      signature: [credential.signature, Buffer.from(credential.signature, 'base64url').toString('hex')],
      'holder secret': [Buffer.from(holder.secret).toString('hex'), Buffer.from(holder.secret).toString('base64url')],
      'issuer secret key': [
        Buffer.from(secretKey).toString('hex'),
        Buffer.from(secretKey).toString('base64'),
        Buffer.from(secretKey).toString('base64url'),
      ],
      'holder IP address': [holderAddress],
      'Idempotency-Key': ['privacy-check'],
    };
    /** Every place a value shows up. */
    const find = (haystack: string) =>
      Object.entries(secrets).flatMap(([what, needles]) => (needles.some((n) => haystack.includes(n)) ? [what] : []));
    // A day number as a JSON number (the sampleDay attribute), not a digit run inside a hash.
    const dayPattern = new RegExp(`(?<![0-9A-Za-z])${sampleDay}(?![0-9A-Za-z])`);

    const tables = await dumpTables(t.server, { includeEphemeral: true });
    const found: string[] = [];
    for (const [table, rows] of Object.entries(tables)) {
      for (const row of rows) {
        for (const what of find(row)) {
          // A schema lists the values an enum attribute may take: that is the schema, not issued data.
          if (table === 'schemas' && what.startsWith('attribute value')) continue;
          found.push(`${table}: ${what}`);
        }
        if (dayPattern.test(row)) found.push(`${table}: sampleDay`);
      }
    }
    expect(found).toEqual([]);

    // What remains of the offer: schema, key, validity days, timestamps, the code's hash.
    const offer = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: created.id } });
    expect(offer.requestHash).toBeNull();
    expect(offer).toMatchObject({
      status: 'redeemed',
      attributes: null,
      issuerKeyId: lab.kid,
      schemaId: 'privid:covid-test-result',
    });
    // The redemption's audit event: an anonymous holder, the offer, the time. Nothing else.
    const events = await t.server.db.prisma.auditEvent.findMany({
      where: { subjectId: created.id },
      orderBy: { at: 'asc' },
    });
    expect(events.map(({ actorKind, actorId, action }) => ({ actorKind, actorId, action }))).toEqual([
      { actorKind: 'lab', actorId: lab.labId, action: 'offer.created' },
      { actorKind: 'holder', actorId: null, action: 'offer.redeemed' },
    ]);

    // Logs: structured lines with request ids, and none of the values.
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.lines.length).toBeGreaterThan(5);
    const entries = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = entries.filter((entry) => entry.reqId !== undefined);
    expect(requestLines.length).toBeGreaterThan(0);
    expect(
      requestLines.some(
        (entry) => (entry.req as { route?: string } | undefined)?.route === '/v1/offers/:offerId/redeem',
      ),
    ).toBe(true);
    expect(find(logs.text)).toEqual([]);
    expect(logs.text).not.toMatch(dayPattern);
    expect(logs.text).not.toMatch(/authorization|idempotency-key|privacy-check/i);
  });
});
