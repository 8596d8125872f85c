// Small helpers over app.inject for the issuer API tests.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

import type { TestServer } from './server.js';

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Asserts an RFC 9457 problem with the status and catalogue code; returns the problem. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: res.statusCode, body: res.body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json() as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code });
  return problem;
}

export function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect({ status: res.statusCode, body: res.statusCode === status ? '' : res.body }).toEqual({ status, body: '' });
}

export interface LabFixture {
  labId: string;
  apiKey: string;
  apiKeyId: string;
  issuerId: string;
}

export async function createLab(t: TestServer, name = `Lab ${randomBytes(4).toString('hex')}`): Promise<LabFixture> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/labs',
    headers: bearer(t.adminToken),
    payload: { name },
  });
  expectStatus(res, 201);
  const body = res.json();
  return { labId: body.lab.id, apiKey: body.key, apiKeyId: body.apiKey.id, issuerId: body.lab.issuerId };
}

export async function createIssuerKey(t: TestServer, labId: string, suite?: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/admin/labs/${labId}/issuer-keys`,
    headers: bearer(t.adminToken),
    payload: suite ? { suite } : {},
  });
  expectStatus(res, 201);
  return res.json();
}

export function isoDay(date: Date, plusDays = 0): string {
  return new Date(date.getTime() + plusDays * 86_400_000).toISOString().slice(0, 10);
}

/** A valid offer body for the built-in COVID test result schema. */
export function covidOffer(t: TestServer, overrides: Record<string, unknown> = {}) {
  return {
    schemaRef: 'privid:covid-test-result@1',
    attributes: { testResult: 'negative', testType: 'antigen', sampleDay: isoDay(t.clock.now(), -1) },
    validDays: 2,
    ...overrides,
  };
}

export async function createOffer(
  t: TestServer,
  lab: LabFixture,
  body: Record<string, unknown> = covidOffer(t),
  headers: Record<string, string> = {},
) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/offers',
    headers: { ...bearer(lab.apiKey), ...headers },
    payload: body,
  });
  expectStatus(res, 201);
  return res.json();
}

/** A lab with an active key: the usual starting point. */
export async function labWithKey(t: TestServer): Promise<LabFixture & { kid: string }> {
  const lab = await createLab(t);
  const key = await createIssuerKey(t, lab.labId);
  return { ...lab, kid: key.kid };
}

/** POST /v1/offers/{offerId}/redeem with an issuance request, as the wallet does. */
export function redeem(
  t: TestServer,
  request: { offerId: string } & Record<string, unknown>,
  options: { remoteAddress?: string; offerId?: string } = {},
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/offers/${encodeURIComponent(options.offerId ?? request.offerId)}/redeem`,
    payload: request,
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}
