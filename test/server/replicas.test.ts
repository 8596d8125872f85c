// Two replicas are one service: two real server processes (what `npm start` runs) on one fresh
// PostgreSQL database, driven over HTTP. Exactly-once answers and redemptions across both, an outcome
// answered at B delivered with its disclosed values to a screen watching at A within a second, key
// rotation and revocation at A in force at B on the next presentation, a venue key revoked at A
// refused at B at once, and rate limits that hold across both rather than doubling.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { issuerMetadataUrl, redeemUrl, Wallet, type Transport } from '../../src/holder/index.js';
import type { PresentationRequest } from '../../src/credential/index.js';
import { createPgDatabase } from './db/fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PUBLIC_URL = 'https://privid.test';
const SUBMIT_LIMIT = 60;
const AUTH_FAILURE_LIMIT = 10;

interface Replica {
  readonly name: string;
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node --import tsx src/server/main.ts` (npm start) and waits for its banner. */
async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (Date.now() < deadline) {
    url = /URL:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (url || child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!url) {
    await stop();
    throw new Error(`replica ${name} did not start: ${output}`);
  }
  return { name, url, output: () => output, stop };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  replica: Replica,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token?: string; body?: unknown; forwardedFor?: string } = {},
): Promise<Answer> {
  const res = await fetch(`${replica.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * `call` as a well-behaved client: a 503 (every database connection of that replica busy, which a
 * burst of 25 concurrent transactions per replica on a pool of 10 can cause) is retried after its
 * Retry-After, a few times. Nothing was changed by a 503, so a retry is safe.
 */
async function callRetrying(...args: Parameters<typeof call>): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await call(...args);
    if (answer.status !== 503 || attempt === 5) return answer;
    expect(answer.body).toMatchObject({ code: 'UNAVAILABLE' });
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800));
  }
}

function expectAnswer(answer: Answer, status: number): Record<string, unknown> {
  expect({ status: answer.status, body: answer.status === status ? {} : answer.body }).toEqual({ status, body: {} });
  return answer.body;
}

/** A wallet whose calls to the service's public URL go to the given replica. */
function walletAt(replica: () => Replica, redeem?: Transport['redeem']): Wallet {
  const local = (url: string) => url.replace(PUBLIC_URL, '');
  const transport: Transport = {
    redeem:
      redeem ??
      (async (offer, request) =>
        expectAnswer(await call(replica(), 'POST', local(redeemUrl(offer)), { body: request }), 200)),
    issuerMetadata: async (offer) => expectAnswer(await call(replica(), 'GET', local(issuerMetadataUrl(offer))), 200),
  };
  return new Wallet({ transport });
}

/** Reads server-sent events from a stream, one at a time. */
class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  async next(): Promise<{ event: string; data: unknown }> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) return { event, data: JSON.parse(data) };
        continue;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error('the event stream ended');
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}

describe('two replicas on one PostgreSQL', () => {
  let a: Replica;
  let b: Replica;
  let dropDatabase: (() => Promise<void>) | undefined;
  let dataDir: string;
  let adminToken: string;
  let lab: { labId: string; issuerId: string; key: string; kid: string };
  let venue: { venueId: string; key: string };

  beforeAll(async () => {
    const database = await createPgDatabase();
    dropDatabase = database.drop;
    dataDir = await mkdtemp(join(tmpdir(), 'privid-replicas-'));
    const env = {
      DATABASE_URL: database.url,
      PRIVID_KEK: randomBytes(32).toString('base64'),
      PRIVID_PUBLIC_URL: PUBLIC_URL,
      PRIVID_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      PRIVID_LOG_LEVEL: 'warn',
      PRIVID_VERIFY_WORKERS: '1',
      // The test is the only client and the proxy in front of both replicas: X-Forwarded-For from
      // 127.0.0.1 names a client, so each part below can count as a client of its own.
      PRIVID_TRUST_PROXY: '127.0.0.1',
      PRIVID_REDEEM_RATE_LIMIT: '1000',
      PRIVID_SUBMIT_RATE_LIMIT: String(SUBMIT_LIMIT),
      PRIVID_AUTH_FAILURE_RATE_LIMIT: String(AUTH_FAILURE_LIMIT),
    };
    // Both at once on the fresh database: migrations and the first admin token are serialized by
    // advisory locks, so exactly one of them prints a token.
    const started = await Promise.allSettled([startReplica('A', env), startReplica('B', env)]);
    const [first, second] = started;
    if (first.status === 'fulfilled') a = first.value;
    if (second.status === 'fulfilled') b = second.value;
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    const tokens = [a, b].flatMap((r) => [...r.output().matchAll(/\b(adm_[A-Za-z0-9_-]{43})\b/g)].map((m) => m[1]!));
    expect(tokens).toHaveLength(1);
    adminToken = tokens[0]!;

    const created = expectAnswer(
      await call(a, 'POST', '/v1/admin/labs', { token: adminToken, body: { name: 'Lab' } }),
      201,
    );
    const labRow = created.lab as { id: string; issuerId: string };
    const key = expectAnswer(
      await call(a, 'POST', `/v1/admin/labs/${labRow.id}/issuer-keys`, { token: adminToken, body: {} }),
      201,
    );
    lab = { labId: labRow.id, issuerId: labRow.issuerId, key: created.key as string, kid: key.kid as string };
    // Trusted by its metadata URL, which each replica reads in-process (the public URL is not reachable).
    expectAnswer(
      await call(a, 'POST', '/v1/admin/trusted-issuers', {
        token: adminToken,
        body: { metadataUrl: lab.issuerId, label: 'Our lab' },
      }),
      201,
    );
    const v = expectAnswer(
      await call(b, 'POST', '/v1/admin/venues', { token: adminToken, body: { name: 'Door' } }),
      201,
    );
    venue = { venueId: (v.venue as { id: string }).id, key: v.key as string };
    expectAnswer(
      await call(b, 'POST', '/v1/venue/policies', {
        token: venue.key,
        body: { name: 'entry', definition: policy(lab.issuerId) },
      }),
      201,
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropDatabase?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  function policy(issuerId: string, keyIds?: string[]) {
    return {
      groups: [
        {
          anyOf: [
            {
              schemaRef: 'privid:covid-test-result@1',
              issuers: [{ issuerId, ...(keyIds ? { keyIds } : {}) }],
              disclose: ['testResult'],
              constraints: [{ attribute: 'testResult', op: 'eq', value: 'negative' }],
            },
          ],
        },
      ],
    };
  }

  async function offer(at: Replica): Promise<string> {
    const sampleDay = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const created = expectAnswer(
      await call(at, 'POST', '/v1/offers', {
        token: lab.key,
        body: {
          schemaRef: 'privid:covid-test-result@1',
          attributes: { testResult: 'negative', testType: 'antigen', sampleDay },
          validDays: 2,
        },
      }),
      201,
    );
    return created.qr as string;
  }

  async function newRequest(at: Replica, policyName: string) {
    const created = expectAnswer(
      await call(at, 'POST', '/v1/venue/requests', { token: venue.key, body: { policy: policyName } }),
      201,
    );
    return created as unknown as { id: string; request: PresentationRequest };
  }

  const today = () => Math.floor(Date.now() / 86_400_000);
  let wallet: Wallet;

  it('redeems one offer exactly once when 50 redemptions race across both', async () => {
    const qr = await offer(a);
    const answers: Answer[] = [];
    wallet = walletAt(
      () => a,
      async (credentialOffer, request) => {
        const path = redeemUrl(credentialOffer).replace(PUBLIC_URL, '');
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, (_, i) => callRetrying(i % 2 === 0 ? a : b, 'POST', path, { body: request })),
          )),
        );
        const issued = answers.filter((answer) => answer.status === 200);
        expect(issued).toHaveLength(1);
        return issued[0]!.body;
      },
    );
    await wallet.acceptOffer(qr);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused).toHaveLength(49);
    for (const answer of refused)
      expect(answer).toMatchObject({ status: 409, body: { code: 'OFFER_ALREADY_REDEEMED' } });
  }, 60_000);

  it('accepts exactly one of 40 concurrent answers to one request across both', async () => {
    const created = await newRequest(a, 'entry');
    const presentation = await wallet.present(created.request, { today: today() });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(i % 2 === 0 ? a : b, 'POST', `/v1/requests/${created.id}/presentation`, { body: presentation }),
      ),
    );
    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.body).toMatchObject({ status: 'accepted' });
    const others = answers.filter((answer) => answer.status !== 200);
    expect(others).toHaveLength(39);
    for (const answer of others)
      expect(answer).toMatchObject({ status: 409, body: { code: 'REQUEST_ALREADY_ANSWERED' } });
  }, 60_000);

  it('delivers an answer submitted at B to a screen streaming at A within a second, with its disclosed values', async () => {
    const created = await newRequest(a, 'entry');
    const presentation = await wallet.present(created.request, { today: today() });
    const stream = await fetch(`${a.url}/v1/venue/requests/${created.id}/events`, {
      headers: { authorization: `Bearer ${venue.key}`, accept: 'text/event-stream' },
    });
    expect(stream.status).toBe(200);
    const events = new EventReader(stream.body!);
    try {
      expect(await events.next()).toMatchObject({ event: 'status', data: { status: 'pending' } });
      const outcome = events.next().then((event) => ({ event, at: Date.now() }));
      const submitted = await call(b, 'POST', `/v1/requests/${created.id}/presentation`, { body: presentation });
      const answeredAt = Date.now();
      expect(submitted).toMatchObject({ status: 200, body: { status: 'accepted' } });
      const received = await outcome;
      expect(received.event).toMatchObject({
        event: 'outcome',
        data: {
          status: 'accepted',
          outcome: { accepted: true, disclosed: [{ values: { testResult: 'negative' } }] },
        },
      });
      expect(received.at - answeredAt).toBeLessThan(1000);
    } finally {
      await events.close();
    }
    // Delivered once: the values are gone from both replicas.
    for (const at of [a, b]) {
      const view = expectAnswer(await call(at, 'GET', `/v1/venue/requests/${created.id}`, { token: venue.key }), 200);
      expect(view.status).toBe('accepted');
      expect(view.outcome).toBeUndefined();
    }
  }, 60_000);

  it('puts a rotation and a revocation at A in force at B on the next presentation', async () => {
    const rotated = expectAnswer(
      await call(a, 'POST', `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/rotate`, {
        token: adminToken,
        body: {},
      }),
      201,
    );
    const newKid = (rotated.active as { kid: string }).kid;
    expect(rotated.propagation).toMatchObject({ thisService: 'now', remoteVerifiersWithinSeconds: 360 });
    expectAnswer(
      await call(b, 'POST', '/v1/venue/policies', {
        token: venue.key,
        body: { name: 'new-key', definition: policy(lab.issuerId, [newKid]) },
      }),
      201,
    );
    // A credential from the new key, issued at B, verifies at B at once.
    const fresh = walletAt(() => b);
    await fresh.acceptOffer(await offer(b));
    const first = await newRequest(b, 'new-key');
    const accepted = await call(b, 'POST', `/v1/requests/${first.id}/presentation`, {
      body: await fresh.present(first.request, { today: today() }),
    });
    expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted' } });

    const revoked = expectAnswer(
      await call(a, 'POST', `/v1/admin/labs/${lab.labId}/issuer-keys/${newKid}/revoke`, { token: adminToken }),
      200,
    );
    expect(revoked).toMatchObject({ status: 'revoked', propagation: { thisService: 'now' } });
    const next = await newRequest(b, 'new-key');
    const rejected = await call(b, 'POST', `/v1/requests/${next.id}/presentation`, {
      body: await fresh.present(next.request, { today: today() }),
    });
    expect(rejected).toMatchObject({ status: 200, body: { status: 'rejected' } });
    expect((rejected.body.reasons as { code: string }[]).map((r) => r.code)).toContain('KEY_REVOKED');
  }, 60_000);

  it('refuses a venue key revoked at A at B at once', async () => {
    const second = expectAnswer(
      await call(a, 'POST', `/v1/admin/venues/${venue.venueId}/api-keys`, { token: adminToken }),
      201,
    );
    const key = second.key as string;
    // B has it cached after a success.
    expectAnswer(await call(b, 'GET', '/v1/venue', { token: key }), 200);
    expectAnswer(await call(b, 'GET', '/v1/venue', { token: key }), 200);
    expectAnswer(
      await call(
        a,
        'POST',
        `/v1/admin/venues/${venue.venueId}/api-keys/${(second.apiKey as { id: string }).id}/revoke`,
        {
          token: adminToken,
        },
      ),
      200,
    );
    expect(await call(b, 'GET', '/v1/venue', { token: key })).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
  }, 60_000);

  it('holds the submission rate limit and the failed-authentication limit across both', async () => {
    const client = '198.51.100.77';
    const url = `/v1/requests/00000000-0000-4000-8000-000000000000/presentation`;
    const answers = await Promise.all(
      Array.from({ length: SUBMIT_LIMIT + 10 }, (_, i) =>
        call(i % 2 === 0 ? a : b, 'POST', url, { body: {}, forwardedFor: client }),
      ),
    );
    expect(answers.filter((answer) => answer.status !== 429)).toHaveLength(SUBMIT_LIMIT);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(10);

    // One bad venue token, presented alternately at A and B (one at a time: each failure is counted
    // before the next check).
    const other = '198.51.100.78';
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 6; i++) {
      statuses.push(
        (await call(i % 2 === 0 ? a : b, 'GET', '/v1/venue', { token: `ven_${'x'.repeat(43)}`, forwardedFor: other }))
          .status,
      );
    }
    expect(statuses).toEqual([...Array<number>(AUTH_FAILURE_LIMIT).fill(401), ...Array<number>(6).fill(429)]);
    // The venue's good key, behind the same address, still works on both.
    for (const at of [a, b])
      expectAnswer(await call(at, 'GET', '/v1/venue', { token: venue.key, forwardedFor: other }), 200);
  }, 60_000);
});
