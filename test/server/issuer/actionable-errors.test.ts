// Errors a person can act on: a validation problem names the offending property as a JSON Pointer and
// lists the values allowed there, a 415 says which content types are accepted, a POST whose body is
// optional takes an empty one, and one whose body is required says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bearer, covidOffer, createLab, expectProblem, expectStatus, labWithKey } from '../support/api.js';
import { DB_KINDS, startIssuerServer, type TestServer } from '../support/server.js';

describe.each(DB_KINDS)('actionable errors on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startIssuerServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (url: string, headers: Record<string, string>, payload?: string) =>
    t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });

  describe('validation messages', () => {
    it('an enum lists its allowed values and names the property', async () => {
      const lab = await createLab(t);
      const problem = expectProblem(
        await post(
          `/v1/admin/labs/${lab.labId}/issuer-keys`,
          { ...bearer(t.adminToken), 'content-type': 'application/json' },
          JSON.stringify({ suite: 'RSA' }),
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.detail).toBe('body/suite must be one of: BLS12-381-SHA-256, BLS12-381-SHAKE-256, BBS+2020');
      expect(problem.errors).toEqual([
        {
          path: 'body/suite',
          message: 'must be one of: BLS12-381-SHA-256, BLS12-381-SHAKE-256, BBS+2020',
          allowed: ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256', 'BBS+2020'],
        },
      ]);
    });

    it('a query parameter outside its values, a const, a missing and an unknown property are each named', async () => {
      const lab = await labWithKey(t);
      const status = expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/offers?status=withdrawn', headers: bearer(lab.apiKey) }),
        400,
        'VALIDATION_FAILED',
      );
      expect(status.detail).toMatch(/^querystring\/status must be one of: pending, redeemed, expired, cancelled/);

      const redeem = (body: Record<string, unknown>) =>
        post(
          '/v1/offers/00000000-0000-4000-8000-000000000000/redeem',
          { 'content-type': 'application/json' },
          JSON.stringify({
            type: 'privid/issuance-request',
            v: 1,
            offerId: '00000000-0000-4000-8000-000000000000',
            code: Buffer.alloc(32, 1).toString('base64url'),
            commitmentWithProof: Buffer.alloc(120, 7).toString('base64url'),
            ...body,
          }),
        );
      expect(expectProblem(await redeem({ type: 'privid/credential' }), 400, 'VALIDATION_FAILED').detail).toBe(
        'body/type must be privid/issuance-request',
      );
      expect(expectProblem(await redeem({ code: undefined }), 400, 'VALIDATION_FAILED').detail).toBe(
        'body/code is required',
      );
      expect(expectProblem(await redeem({ holderName: 'Alice' }), 400, 'VALIDATION_FAILED').detail).toBe(
        'body/holderName is not a known property here',
      );
    });

    it('an attribute outside its enum lists the values the schema allows', async () => {
      const lab = await labWithKey(t);
      const problem = expectProblem(
        await post(
          '/v1/offers',
          { ...bearer(lab.apiKey), 'content-type': 'application/json' },
          JSON.stringify(covidOffer(t, { attributes: { ...covidOffer(t).attributes, testResult: 'maybe' } })),
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors).toEqual([
        {
          path: 'body/attributes/testResult',
          message: 'testResult must be one of: negative, positive, inconclusive, got "maybe"',
        },
      ]);
    });
  });

  it('415 names the content type sent and the ones accepted', async () => {
    const lab = await labWithKey(t);
    const cases: [string, string][] = [
      ['application/xml', 'content type application/xml'],
      ['text/plain; charset=utf-8', 'content type text/plain'],
    ];
    for (const [contentType, said] of cases) {
      const problem = expectProblem(
        await post('/v1/offers', { ...bearer(lab.apiKey), 'content-type': contentType }, '<offer/>'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expect(problem.detail).toBe(`${said} is not accepted; accepted: application/json`);
      expect(problem.accepted).toEqual(['application/json']);
    }
  });

  describe('empty bodies', () => {
    it('a POST whose body is optional takes none, or an empty JSON body', async () => {
      const lab = await createLab(t);
      const url = `/v1/admin/labs/${lab.labId}/issuer-keys`;
      const none = await post(url, bearer(t.adminToken));
      expectStatus(none, 201);
      expect(none.json()).toMatchObject({ suite: 'BLS12-381-SHA-256', status: 'active' });
      const empty = await post(url, { ...bearer(t.adminToken), 'content-type': 'application/json' }, '');
      expectStatus(empty, 201);
      const rotated = await post(
        `${url}/${none.json().kid as string}/rotate`,
        { ...bearer(t.adminToken), 'content-type': 'application/json' },
        '',
      );
      expectStatus(rotated, 201);
      // A POST that reads no body at all also takes an empty JSON one.
      const key = empty.json().kid as string;
      expectStatus(
        await post(`${url}/${key}/retire`, { ...bearer(t.adminToken), 'content-type': 'application/json' }, ''),
        200,
      );
    });

    it('a POST whose body is required answers an empty one with "a JSON body is required"', async () => {
      const lab = await labWithKey(t);
      for (const headers of [bearer(lab.apiKey), { ...bearer(lab.apiKey), 'content-type': 'application/json' }]) {
        const problem = expectProblem(await post('/v1/offers', headers, ''), 400, 'VALIDATION_FAILED');
        expect(problem.detail).toMatch(/^a JSON body is required/);
        expect(problem.errors).toEqual([{ path: 'body', message: 'a JSON body is required' }]);
      }
      expect(await t.server.db.prisma.offer.count({ where: { labId: lab.labId } })).toBe(0);
    });
  });
});
