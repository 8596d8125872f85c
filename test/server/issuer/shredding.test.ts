// Crypto-shredding of offer attribute values: once an offer is redeemed or cancelled, nothing on disk
// holds its attribute values, not even PostgreSQL's dead tuples and WAL or PGlite's files.
//
// The test gives each offer distinctive values (random markers in a string attribute), redeems one,
// cancels two (one created with an Idempotency-Key), makes the database write everything out, and scans
// the raw files byte for byte: the database's relation files and the WAL written during the test
// (PostgreSQL, found with SHOW data_directory) or the whole data folder (PGlite). A control proves that
// the scan sees plaintext when there is some: a lab name, stored in clear by design, is found.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { bearer, createIssuerKey, createLab, expectStatus, redeem } from '../support/api.js';
import { holderFor } from '../support/holder.js';
import { DB_KINDS, startIssuerServer, testDatabase, type TestDatabase, type TestServer } from '../support/server.js';

const SCHEMA = {
  id: 'lab.scan:marker',
  version: 1,
  title: 'Scan marker',
  attributes: [{ name: 'marker', type: 'string', maxLength: 64 }],
};

/** Every regular file under dir (recursively) changed at or after since (ms), if given. */
async function filesUnder(dir: string, since = 0): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path, since)));
    else if (entry.isFile() && (await stat(path)).mtimeMs >= since) out.push(path);
  }
  return out;
}

/** Which of the needles occur in any of the files (as UTF-8 bytes); and how many bytes were read. */
async function scan(files: string[], needles: string[]): Promise<{ found: Set<string>; bytes: number }> {
  const found = new Set<string>();
  let bytes = 0;
  for (const file of files) {
    const content = await readFile(file).catch(() => undefined);
    if (!content) continue;
    bytes += content.length;
    for (const needle of needles) if (content.includes(Buffer.from(needle, 'utf8'))) found.add(needle);
  }
  return { found, bytes };
}

describe.each(DB_KINDS)('attribute values on disk on %s', (kind) => {
  let database: TestDatabase | undefined;
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('are gone from the data files and the WAL once offers are redeemed or cancelled', async () => {
    const startedAt = Date.now() - 2_000;
    database = await testDatabase(kind, { persistent: true });
    t = await startIssuerServer(kind, { database });
    const server = t;
    const marker = (what: string) => `SHRED${what}${randomBytes(8).toString('hex').toUpperCase()}`;
    const control = marker('CONTROL');
    const values = { redeemed: marker('REDEEMED'), cancelled: marker('CANCELLED'), idem: marker('IDEMPOTENT') };

    const lab = await createLab(server, control);
    await createIssuerKey(server, lab.labId);
    expectStatus(
      await server.app.inject({
        method: 'POST',
        url: '/v1/admin/schemas',
        headers: bearer(server.adminToken),
        payload: { labId: lab.labId, definition: SCHEMA },
      }),
      201,
    );
    const offer = async (value: string, headers: Record<string, string> = {}) => {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/offers',
        headers: { ...bearer(lab.apiKey), ...headers },
        payload: { schemaRef: 'lab.scan:marker@1', attributes: { marker: value }, validDays: 1 },
      });
      expectStatus(res, 201);
      return res.json();
    };
    const toRedeem = await offer(values.redeemed);
    const toCancel = await offer(values.cancelled);
    const idempotent = await offer(values.idem, { 'idempotency-key': randomBytes(16).toString('hex') });

    const issued = await redeem(server, holderFor(toRedeem.offer).request);
    expectStatus(issued, 200);
    // The value was real: the holder got it, signed.
    expect(issued.json().attributes).toEqual({ marker: values.redeemed });
    for (const cancelled of [toCancel, idempotent]) {
      expectStatus(
        await server.app.inject({
          method: 'POST',
          url: `/v1/offers/${cancelled.id}/cancel`,
          headers: bearer(lab.apiKey),
        }),
        200,
      );
    }

    // A second control, in the very column the values lived in before sealing: plaintext in offers.attributes
    // (as an offer from before this change would hold it) is found too.
    const legacyControl = marker('LEGACYCONTROL');
    await server.server.db.prisma.offer.update({
      where: { id: toRedeem.id },
      data: { attributes: { marker: legacyControl } },
    });

    let files: string[];
    if (kind === 'postgres') {
      // Everything out to the data files (the WAL is written at each commit anyway).
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('CHECKPOINT');
        const dataDir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
        const oid = (
          await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')
        ).rows[0]!.oid;
        files = [
          ...(await filesUnder(join(dataDir, 'base', String(oid)))),
          ...(await filesUnder(join(dataDir, 'pg_wal'), startedAt)),
        ];
      } finally {
        await client.end();
      }
    } else {
      // Closing PGlite writes everything out to its folder.
      await server.close();
      t = undefined;
      const dataDir = database.url.slice('pglite:'.length);
      files = await filesUnder(dataDir);
    }

    const { found, bytes } = await scan(files, [control, legacyControl, ...Object.values(values)]);
    expect(bytes).toBeGreaterThan(1_000_000);
    // The controls: plaintext that is on disk is found by this scan.
    expect(found.has(control), 'the scan must find the lab name, stored in clear').toBe(true);
    expect(found.has(legacyControl), 'the scan must find a value in offers.attributes').toBe(true);
    expect([...found].filter((needle) => needle !== control && needle !== legacyControl)).toEqual([]);
  }, 300_000);
});
