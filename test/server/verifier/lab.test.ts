// Issuer and verifier roles on one server: a lab made through the admin API issues to the holder
// SDK's wallet over the issuer API; the verifier trusts the lab by its metadata URL (this server's
// own, read in-process) and picks up the lab's key revocation at the next sync; on the embedded
// database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { issuerMetadataUrl, redeemUrl, Wallet, type Transport } from '../../../src/holder/index.js';
import { covidOffer, createOffer, labWithKey } from '../support/api.js';
import {
  bearer,
  createPolicy,
  createVenue,
  DB_KINDS,
  entryPolicy,
  expectStatus,
  newRequest,
  present,
  startTestServer,
  submit,
  type TestServer,
} from './support.js';

/** The wallet's transport, answered by this server through app.inject. */
function injectTransport(t: TestServer): Transport {
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url: new URL(url).pathname,
      ...(payload ? { payload: payload as object } : {}),
    });
    if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as unknown;
  };
  return {
    redeem: (offer, request) => call('POST', redeemUrl(offer), request),
    issuerMetadata: (offer) => call('GET', issuerMetadataUrl(offer)),
  };
}

describe.each(DB_KINDS)('a lab of this server, trusted by metadata URL, on %s', (kind) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(kind, { env: { PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('verifies credentials the lab issued, until the lab revokes its key', async () => {
    const lab = await labWithKey(t);
    const trusted = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/trusted-issuers',
      headers: bearer(t.adminToken),
      payload: { metadataUrl: lab.issuerId, label: 'Our lab' },
    });
    expectStatus(trusted, 201);
    expect(trusted.json()).toMatchObject({ lastSyncError: null, keys: [{ kid: lab.kid, status: 'active' }] });

    const wallet = new Wallet({ transport: injectTransport(t), now: () => t.clock.now().getTime() });
    const offer = await createOffer(t, lab, covidOffer(t));
    await wallet.acceptOffer(offer.qr);

    const venue = await createVenue(t);
    await createPolicy(t, venue, 'entry', entryPolicy([lab.issuerId]));
    const attempt = async () => {
      const created = await newRequest(t, venue, 'entry');
      const res = await submit(t, created.id, await present(t, wallet, created.request));
      expectStatus(res, 200);
      return res.json() as { status: string; reasons: { code: string }[] };
    };
    expect(await attempt()).toMatchObject({ status: 'accepted' });

    const revoked = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/revoke`,
      headers: bearer(t.adminToken),
    });
    expectStatus(revoked, 200);
    const synced = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/trusted-issuers/${trusted.json().id}/sync`,
      headers: bearer(t.adminToken),
    });
    expect(synced.json()).toMatchObject({ lastSyncError: null, keys: [{ kid: lab.kid, status: 'revoked' }] });
    const rejected = await attempt();
    expect(rejected.status).toBe('rejected');
    expect(rejected.reasons.map((r) => r.code)).toContain('KEY_REVOKED');
  });
});
