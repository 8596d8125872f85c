/**
 * `npm run demo`: the whole privid story through the real HTTP API of a server started here, on a
 * temporary embedded database (a random port on 127.0.0.1, a temporary PRIVID_DATA_DIR, removed at
 * the end):
 *
 *   1. the admin sets up a lab (and its signing key), a stadium and a bar (venues and policies), and
 *      trust in the lab (by its metadata URL);
 *   2. the lab issues a negative test and an age band to wallet A, only an age band to wallet B
 *      (the holder SDK's Wallet, over HTTP);
 *   3. A enters the stadium: her wallet reads only the screen's short QR (a reference), fetches the
 *      signed request, checks it against the stadium's origin and answers there (wallet.respond);
 *      B tries without a test; a presentation is replayed; a forged request (the stadium's venue id,
 *      another origin's response URL) is refused by the wallet;
 *   4. A and B enter the bar, which learns only ageOver18 (and validity); A tries the bar a second
 *      time that day.
 *
 * Prints a transcript with each QR text's size and what each party saw, and exits non-zero if any
 * step's outcome differs from the expected one.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CompactSign } from 'jose';

import { encodeQr, isoDateFromDay, minQrVersionM, type PresentationRequest } from '../src/credential/index.js';
import { HolderError, Wallet } from '../src/holder/index.js';
import { loadConfig } from '../src/server/config.js';
import { buildServer, type PrividServer } from '../src/server/server.js';

const DATE_ATTRIBUTES = new Set(['validFrom', 'validUntil', 'sampleDay', 'lastDoseDay']);

let failures = 0;
const out = (line = '') => process.stdout.write(`${line}\n`);
const say = (who: string, line: string) => out(`  ${who.padEnd(14)} ${line}`);
function check(step: string, ok: boolean, detail: string): void {
  if (ok) out(`  ✔ ${step}`);
  else {
    failures++;
    out(`  ✘ ${step}: ${detail}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

function client(base: string) {
  return async <T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<Answer<T>> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
}

function must<T>(answer: Answer<T>, status: number, what: string): T {
  if (answer.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** A proven statement as the venue sees it: the op and the policy's literal, never a holder's value. */
function describeProvenConstraint(p: { attribute: string; op: string; value: unknown }): string {
  const op = { gte: '>=', lte: '<=', in: 'in', neq: '!=' }[p.op] ?? p.op;
  const literal = Array.isArray(p.value) ? `{${p.value.join(', ')}}` : String(p.value);
  return `${p.attribute} ${op} ${DATE_ATTRIBUTES.has(p.attribute) ? 'the day of the visit' : literal}`;
}

function describeValues(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(
      ([name, value]) =>
        `${name}=${DATE_ATTRIBUTES.has(name) && typeof value === 'number' ? isoDateFromDay(value) : String(value)}`,
    )
    .join(', ');
}

function qrSize(text: string): string {
  return `${text.length} characters, QR version ${minQrVersionM(text.length)} (alphanumeric, ECC M)`;
}

/** QR versions 1..40 at ECC level M, byte mode capacity (ISO/IEC 18004 table 7). */
const BYTE_CAPACITY_M = [
  14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857, 911,
  997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
];
function byteQrSize(text: string): string {
  const version = BYTE_CAPACITY_M.findIndex((capacity) => capacity >= text.length) + 1;
  return `${text.length} characters, QR version ${version} (byte mode, ECC M)`;
}

interface RequestView {
  status: string;
  outcomeCode: string | null;
  outcome?: {
    accepted: boolean;
    reasons: { code: string; message?: string }[];
    disclosed?: {
      group: number;
      clauseIndex: number;
      schemaRef: string;
      values: Record<string, unknown>;
      proven: { attribute: string; op: string; value: unknown }[];
    }[];
    pseudonym?: string;
  };
}

/** The staff tablet's screen: server-sent events from GET /v1/venue/requests/:id/events. */
async function watchScreen(base: string, venueKey: string, requestId: string): Promise<RequestView> {
  const response = await fetch(`${base}/v1/venue/requests/${requestId}/events`, {
    headers: { authorization: `Bearer ${venueKey}`, accept: 'text/event-stream' },
  });
  if (!response.body) throw new Error('no event stream');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if ((event === 'outcome' || event === 'expired') && data) {
        await reader.cancel();
        return JSON.parse(data) as RequestView;
      }
    }
  }
  throw new Error('the event stream ended without an outcome');
}

function showScreen(venue: string, view: RequestView): void {
  const outcome = view.outcome;
  if (!outcome) {
    say(`${venue} screen`, `${view.status.toUpperCase()} (${view.outcomeCode ?? 'no outcome'})`);
    return;
  }
  if (outcome.accepted) {
    say(`${venue} screen`, 'GREEN: accepted');
    for (const item of outcome.disclosed ?? []) {
      const values = Object.keys(item.values).length > 0 ? describeValues(item.values) : 'no attribute value';
      say('', `the venue learned: ${values}  (${item.schemaRef}, alternative ${item.clauseIndex + 1})`);
      if (item.proven.length > 0)
        say('', `and proofs that ${item.proven.map(describeProvenConstraint).join(' and ')} hold`);
    }
    if (outcome.pseudonym)
      say('', `and a pseudonym for this venue and day: ${outcome.pseudonym.slice(0, 12)}… (unlinkable elsewhere)`);
  } else {
    say(`${venue} screen`, `RED: rejected: ${outcome.reasons.map((r) => r.code).join(', ')}`);
    say('', `reason: ${outcome.reasons[0]?.message ?? ''}`);
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'privid-demo-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: PrividServer | undefined;
  try {
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      PRIVID_DATA_DIR: dataDir,
      DATABASE_URL: `pglite:${join(dataDir, 'pglite')}`,
      PRIVID_PUBLIC_URL: base,
      PRIVID_KEK: randomBytes(32).toString('base64'),
      PRIVID_LOG_LEVEL: 'warn',
      PRIVID_VERIFY_WORKERS: '2',
    });
    server = await buildServer(config);
    await server.app.listen({ port, host: '127.0.0.1' });
    const api = client(base);
    const adminToken = server.initialAdminToken!;
    const today = () => Math.floor(Date.now() / 86_400_000);

    out(`privid demo: server on ${base}, embedded database in ${dataDir}`);
    out();
    out('1. The admin sets up a lab, two venues and trust');
    const lab = must(
      await api<{ lab: { id: string; issuerId: string }; key: string }>('POST', '/v1/admin/labs', {
        token: adminToken,
        body: { name: 'Riverside Lab' },
      }),
      201,
      'create lab',
    );
    const issuerKey = must(
      await api<{ kid: string }>('POST', `/v1/admin/labs/${lab.lab.id}/issuer-keys`, { token: adminToken, body: {} }),
      201,
      'create issuer key',
    );
    say('admin', `lab "Riverside Lab" (issuer id ${lab.lab.issuerId}), signing key ${issuerKey.kid}`);
    const trusted = must(
      await api<{ keys: unknown[]; lastSyncError: string | null }>('POST', '/v1/admin/trusted-issuers', {
        token: adminToken,
        body: { metadataUrl: lab.lab.issuerId, label: 'Riverside Lab' },
      }),
      201,
      'trust the lab',
    );
    say(
      'admin',
      `trusts the lab by its metadata URL: ${trusted.keys.length} key synced, error: ${trusted.lastSyncError ?? 'none'}`,
    );
    const issuers = [{ issuerId: lab.lab.issuerId }];
    const venues: Record<'stadium' | 'bar', { id: string; key: string }> = {} as never;
    for (const [slot, name] of [
      ['stadium', 'Riverside Stadium'],
      ['bar', 'The Night Owl'],
    ] as const) {
      const created = must(
        await api<{ venue: { id: string }; key: string }>('POST', '/v1/admin/venues', {
          token: adminToken,
          body: { name },
        }),
        201,
        `create ${name}`,
      );
      venues[slot] = { id: created.venue.id, key: created.key };
      say('admin', `venue "${name}" with its API key`);
    }
    // The venues name built-in policies (GET /v1/policy-templates): nothing disclosed, validity
    // checked, clauses over the issuers on the trust list (here the lab) unless the venue names some.
    for (const [slot, builtin] of [
      ['stadium', 'test-or-vaccinated'],
      ['bar', 'adult-once-a-day'],
    ] as const) {
      const created = must(
        await api<{ policy: { definition: { description: string } } }>('POST', '/v1/venue/policies', {
          token: venues[slot].key,
          body: { name: 'entry', builtin },
        }),
        201,
        `${slot} policy`,
      );
      say(slot, `policy "entry" from the built-in ${builtin}: ${created.policy.definition.description}`);
    }

    out();
    out('2. The lab issues credentials to two wallets');
    // The demo's service runs on plain http at 127.0.0.1: development, so the wallets opt in.
    const walletA = new Wallet({ allowInsecureLocalhost: true });
    const walletB = new Wallet({ allowInsecureLocalhost: true });
    const issue = async (
      wallet: Wallet,
      who: string,
      schemaRef: string,
      attributes: Record<string, unknown>,
      validDays: number,
    ) => {
      const offer = must(
        await api<{ qr: string; id: string }>('POST', '/v1/offers', {
          token: lab.key,
          body: { schemaRef, attributes, validDays },
        }),
        201,
        `offer ${schemaRef}`,
      );
      say('lab', `offer ${schemaRef} for ${who}: QR ${qrSize(offer.qr)}`);
      const stored = await wallet.acceptOffer(offer.qr);
      say(
        `wallet ${who}`,
        `accepted it (signature checked; the lab never saw the holder secret), valid until ${isoDateFromDay(stored.credential.validUntil)}`,
      );
    };
    const isoToday = isoDateFromDay(today());
    await issue(
      walletA,
      'A',
      'privid:covid-test-result@1',
      { testResult: 'negative', testType: 'antigen', sampleDay: isoToday },
      2,
    );
    await issue(walletA, 'A', 'privid:age-band@1', { band: '18-64', ageOver18: true, ageOver21: true }, 365);
    await issue(walletB, 'B', 'privid:age-band@1', { band: '18-64', ageOver18: true, ageOver21: false }, 365);
    say('lab', 'offers redeemed: the attribute values are deleted from the server');

    /** The venue shows a request; the screen watches it; returns the request and the screen's promise. */
    const showRequest = async (slot: 'stadium' | 'bar', label: string) => {
      const created = must(
        await api<{ id: string; qr: string; request: PresentationRequest; submitUrl: string; requestUri: string }>(
          'POST',
          '/v1/venue/requests',
          {
            token: venues[slot].key,
            body: { policy: 'entry' },
          },
        ),
        201,
        'create request',
      );
      say(label, `shows request QR: ${byteQrSize(created.qr)}`);
      say('', created.qr.length > 100 ? `${created.qr.slice(0, 96)}…` : created.qr);
      return { ...created, screen: watchScreen(base, venues[slot].key, created.id) };
    };
    /** The wallet scans the QR and answers with wallet.respond: nothing else is handed to it. */
    const answer = async (who: string, wallet: Wallet, qr: string): Promise<string | undefined> => {
      try {
        const result = await wallet.respond(qr, {
          today: today(),
          consent: (c) => {
            say(`wallet ${who}`, `checked: signed by a key of ${c.verifier.origin}, answers go there only`);
            say(
              `wallet ${who}`,
              `consent screen: "${c.verifier.name}" ${c.disclosures.map((d) => d.consent.join(', ')).join('; ')} (nothing else)`,
            );
            if (c.pseudonym) {
              say(
                '',
                `and will recognise this wallet ${c.pseudonym.persistent ? 'on every visit' : `within ${c.pseudonym.period} (${c.pseudonym.timeZone})`}`,
              );
            }
            return true;
          },
        });
        say(`wallet ${who}`, `posted the presentation; the server says: ${result.status}`);
        return result.status;
      } catch (error) {
        if (!(error instanceof HolderError)) throw error;
        say(`wallet ${who}`, `refuses: ${error.code}: ${error.message}`);
        return error.code;
      }
    };

    out();
    out('3. The stadium');
    out(' a) A shows her negative test');
    const r1 = await showRequest('stadium', 'stadium');
    await answer('A', walletA, r1.qr);
    const s1 = await r1.screen;
    showScreen('stadium', s1);
    check('A enters the stadium', s1.outcome?.accepted === true, JSON.stringify(s1));
    check(
      'the stadium learned no value and no date, only that the test is negative and valid today',
      Object.keys(s1.outcome?.disclosed?.[0]?.values ?? { x: 1 }).length === 0 &&
        JSON.stringify(s1.outcome?.disclosed?.[0]?.proven.map((p) => p.attribute)) ===
          '["testResult","validUntil","validFrom"]',
      JSON.stringify(s1.outcome?.disclosed),
    );

    out(' b) B has no test');
    const r2 = await showRequest('stadium', 'stadium');
    const bRefused = await answer('B', walletB, r2.qr);
    check("B's wallet refuses to answer without a test", bRefused === 'CANNOT_SATISFY', String(bRefused));
    // B's app offers his age band anyway, bound to this request.
    const request2: PresentationRequest = r2.request;
    const wrong = await walletB.present(
      {
        ...request2,
        groups: [
          {
            anyOf: [
              {
                schemaRef: 'privid:age-band@1',
                issuers,
                disclose: [],
                constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }],
              },
            ],
          },
        ],
      },
      { today: today() },
    );
    say('wallet B', 'his app offers his age band instead');
    const wrongRes = await api<{ status: string }>('POST', new URL(r2.submitUrl).pathname, { body: wrong });
    say('wallet B', `the server says: ${wrongRes.body.status}`);
    const s2 = await r2.screen;
    showScreen('stadium', s2);
    check(
      'B is turned away (SCHEMA_MISMATCH)',
      s2.outcome?.reasons.some((r) => r.code === 'SCHEMA_MISMATCH') === true,
      JSON.stringify(s2),
    );

    out(' c) a presentation is replayed');
    // What the stadium received for request 1 (a one-time presentation), sent again.
    const aStadium = await walletA.present(r1.request, { today: today() });
    say('wallet A', `(kiosk-style answer as QR text: ${qrSize(encodeQr('presentation', aStadium))})`);
    const again = await api<{ code: string }>('POST', new URL(r1.submitUrl).pathname, { body: aStadium });
    say('replay', `to the request it answered: HTTP ${again.status} ${again.body.code}`);
    check(
      'a second answer to the same request is refused',
      again.status === 409 && again.body.code === 'REQUEST_ALREADY_ANSWERED',
      JSON.stringify(again),
    );
    const r3 = await showRequest('stadium', 'stadium');
    const replay = await api<{ status: string; reasons: { code: string }[] }>('POST', new URL(r3.submitUrl).pathname, {
      body: aStadium,
    });
    say('replay', `to a new request: ${replay.body.status} (${replay.body.reasons.map((r) => r.code).join(', ')})`);
    const s3 = await r3.screen;
    showScreen('stadium', s3);
    check(
      'a replayed presentation is rejected (PRESENTATION_REPLAYED)',
      s3.outcome?.reasons[0]?.code === 'PRESENTATION_REPLAYED',
      JSON.stringify(s3),
    );

    out(" d) a forged request: the stadium's venue id, another origin's response URL");
    const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const r4 = await showRequest('stadium', 'stadium');
    r4.screen.catch(() => undefined); // never answered: the screen's stream ends when the server stops
    const genuine = await (await fetch(r4.requestUri)).text();
    const claims = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const evil = createHttpServer((req, res) => {
      void req.resume();
      res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' }).end(forged);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
    const forged = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ ...claims, response_uri: `${evilUrl}/collect` })),
    )
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-authz-req+jwt', kid: 'forger' })
      .sign(forger.privateKey);
    const forgedQr = `openid4vp://?client_id=${encodeURIComponent(String(claims.client_id))}&request_uri=${encodeURIComponent(`${evilUrl}/request`)}`;
    say('forger', `shows a QR naming the stadium, its request served from ${evilUrl}`);
    const forgedAnswer = await answer('A', walletA, forgedQr);
    evil.closeAllConnections();
    evil.close();
    check(
      'the wallet refuses the forged request before making any proof (RESPONSE_URI_OTHER_ORIGIN)',
      forgedAnswer === 'RESPONSE_URI_OTHER_ORIGIN',
      String(forgedAnswer),
    );

    out();
    out('4. The bar');
    const barVisit = async (who: string, wallet: Wallet) => {
      const created = must(
        await api<{ id: string; qr: string }>('POST', '/v1/venue/requests', {
          token: venues.bar.key,
          body: { policy: 'entry' },
        }),
        201,
        'bar request',
      );
      say('bar', `shows request QR: ${byteQrSize(created.qr)}`);
      await answer(who, wallet, created.qr);
      // This screen polls instead of listening.
      const view = must(
        await api<RequestView>('GET', `/v1/venue/requests/${created.id}`, { token: venues.bar.key }),
        200,
        'poll',
      );
      showScreen('bar', view);
      return view;
    };
    const a1 = await barVisit('A', walletA);
    check('A enters the bar', a1.outcome?.accepted === true, JSON.stringify(a1));
    check(
      'the bar learned only that ageOver18 is true and the credential valid today (proven, no value shown)',
      JSON.stringify(a1.outcome?.disclosed?.map((d) => d.values)) === '[{}]' &&
        JSON.stringify(a1.outcome?.disclosed?.[0]?.proven.slice(0, 1)) ===
          '[{"attribute":"ageOver18","op":"in","value":[true]}]' &&
        JSON.stringify(a1.outcome?.disclosed?.[0]?.proven.map((p) => p.attribute)) ===
          '["ageOver18","validUntil","validFrom"]',
      JSON.stringify(a1.outcome?.disclosed),
    );
    const b1 = await barVisit('B', walletB);
    check('B enters the bar', b1.outcome?.accepted === true, JSON.stringify(b1));
    check('A and B have different pseudonyms', a1.outcome?.pseudonym !== b1.outcome?.pseudonym, 'equal');
    out(' A comes back the same day');
    const a2 = await barVisit('A', walletA);
    check(
      "A's second entry today is refused (PSEUDONYM_ALREADY_USED)",
      a2.outcome?.reasons[0]?.code === 'PSEUDONYM_ALREADY_USED',
      JSON.stringify(a2),
    );

    out();
    out('5. What the server kept');
    const view = must(
      await api<RequestView>('GET', `/v1/venue/requests/${r1.id}`, { token: venues.stadium.key }),
      200,
      'poll',
    );
    say(
      'stadium',
      `reads request ${r1.id.slice(0, 8)}… again: status ${view.status}, outcome ${view.outcomeCode}, disclosed values: ${view.outcome ? 'present' : 'gone (delivered once)'}`,
    );
    check('the disclosed values were delivered once', view.outcome === undefined, JSON.stringify(view));
    const rows = await server.db.prisma.presentationRequest.findMany({ orderBy: { createdAt: 'asc' } });
    for (const row of rows) {
      say(
        'database',
        `request ${row.id.slice(0, 8)}…: ${row.status} ${row.outcomeCode ?? ''} (no proof, no values, no address)`,
      );
    }
    const pseudonyms = await server.db.prisma.scopedPseudonym.count();
    say('database', `${pseudonyms} bar pseudonyms for today, purged at midnight UTC`);
  } catch (error) {
    failures++;
    const detail =
      error instanceof HolderError
        ? `${error.code}: ${error.message}`
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    out(`  ✘ the demo stopped: ${detail}`);
  } finally {
    await server?.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
  out();
  out(
    failures === 0
      ? 'demo: every step had the expected outcome'
      : `demo: ${failures} step(s) did not have the expected outcome`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
}

await main();
