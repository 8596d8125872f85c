// Batch verification in the verifier pool, over HTTP with a real worker thread: a burst of
// POST /v1/verify calls queues behind one worker and is verified in batches with one combined
// pairing check; honest presentations are accepted, and a forged proof that only the pairing
// catches, or a changed disclosed value, is rejected with exactly the outcome that verifying it
// alone gives. A flood of such forgeries shrinks the batches (a failing batch costs more than single
// verification), and honest traffic brings them back. On the embedded database (the pool does not
// touch the database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Presentation, PresentationRequest } from '../../../src/credential/index.js';
import type { Wallet } from '../../../src/holder/index.js';
import { verifierServiceOf, type VerifierService } from '../../../src/server/verifier/service.js';
import { withForgedItem } from '../../support/forged-presentation.js';
import {
  COVID,
  createPolicy,
  expectStatus,
  gateFixture,
  newRequest,
  present,
  startTestServer,
  TestIssuer,
  verifyStateless,
  type TestServer,
  type VenueFixture,
} from './support.js';

const BURST = 12;

describe('batch verification in the verifier pool', () => {
  let t: TestServer;
  let service: VerifierService;
  let venue: VenueFixture;
  const lab = new TestIssuer();
  let wallet: Wallet;

  beforeAll(async () => {
    t = await startTestServer('pglite', {
      env: {
        PRIVID_VERIFY_WORKERS: '1',
        PRIVID_VERIFY_QUEUE: '64',
        PRIVID_VERIFY_BATCH: '8',
        PRIVID_SUBMIT_RATE_LIMIT: '1000000',
      },
    });
    service = verifierServiceOf(t.server.context)!;
    await service.pool.ready();
    ({ venue, wallet } = await gateFixture(t, lab));
    // Nothing hidden is proven here (the values are shown, validity included): a forged BBS proof then
    // passes every check but the pairing, which is what a flood of forgeries costs the pool.
    await createPolicy(t, venue, 'shown', {
      groups: [
        {
          anyOf: [
            {
              schemaRef: COVID,
              issuers: [{ issuerId: lab.issuerId }],
              disclose: ['testResult', 'validUntil', 'validFrom'],
              constraints: [{ attribute: 'testResult', op: 'eq', value: 'negative' }],
            },
          ],
        },
      ],
    });
    // Server start, worker start and issuance: generous on a shared, loaded machine.
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('verifies a burst in batches; the bad ones get exactly their single-verification outcome', async () => {
    const answers: { request: PresentationRequest; presentation: Presentation }[] = [];
    for (let i = 0; i < BURST; i++) {
      const { request } = await newRequest(t, venue, i % 2 === 0 ? 'entry' : 'bar');
      answers.push({ request, presentation: await present(t, wallet, request) });
    }
    // A proof that passes its challenge and fails only the pairing, in the middle of the burst.
    const forgedAt = 5;
    answers[forgedAt] = {
      ...answers[forgedAt]!,
      presentation: withForgedItem(
        answers[forgedAt]!.presentation,
        answers[forgedAt]!.request,
        lab.activeKey.publicKey,
        0,
        new URL(t.server.config.publicUrl).origin,
      ),
    };
    // A proven statement made stronger than what was proven (validUntil >= tomorrow): it still meets the
    // policy, so only the proof can catch it (its predicate proof fails), near the end.
    const changedAt = BURST - 2;
    const changed = answers[changedAt]!.presentation;
    answers[changedAt] = {
      ...answers[changedAt]!,
      presentation: {
        ...changed,
        items: changed.items.map((item, i) =>
          i === 0
            ? {
                ...item,
                proven: item.proven!.map((p) =>
                  p.attribute === 'validUntil' ? { ...p, value: Number(p.value) + 1 } : p,
                ),
              }
            : item,
        ),
      },
    };

    const batchesBefore = service.pool.batches;
    const completedBefore = service.pool.completed;
    const burst = await Promise.all(answers.map((a) => verifyStateless(t, venue, a.request, a.presentation)));
    const verified = service.pool.completed - completedBefore;
    expect(verified).toBe(BURST);
    // One worker: the first job runs alone, the rest queue and go out in batches of up to 8.
    expect(service.pool.batches - batchesBefore).toBeLessThan(verified);

    // Each one again, alone (one job per batch: no deferral at all).
    const alone: Awaited<ReturnType<typeof verifyStateless>>[] = [];
    for (const a of answers) alone.push(await verifyStateless(t, venue, a.request, a.presentation));

    burst.forEach((res, i) => {
      expectStatus(res, 200);
      expectStatus(alone[i]!, 200);
      expect(res.json()).toEqual(alone[i]!.json());
      const body = res.json() as { accepted: boolean; reasons?: { code: string }[] };
      if (i === forgedAt || i === changedAt) {
        expect(body.accepted).toBe(false);
        expect(body.reasons?.map((r) => r.code)).toContain(i === forgedAt ? 'PROOF_INVALID' : 'PREDICATE_FAILED');
      } else {
        expect(body.accepted).toBe(true);
      }
    });
  }, 300_000);

  it('meets a flood of forgeries with smaller batches, and returns to full batches for honest traffic', async () => {
    const honest: { request: PresentationRequest; presentation: Presentation }[] = [];
    for (let i = 0; i < BURST; i++) {
      const { request } = await newRequest(t, venue, 'shown');
      honest.push({ request, presentation: await present(t, wallet, request) });
    }
    const forged = honest.map(({ request, presentation }) => ({
      request,
      presentation: withForgedItem(presentation, request, lab.activeKey.publicKey),
    }));

    // Forgeries that only the pairing catches: each failing batch halves the next one.
    const refused = await Promise.all(forged.map((a) => verifyStateless(t, venue, a.request, a.presentation)));
    for (const res of refused)
      expect(res.json()).toMatchObject({ accepted: false, reasons: [{ code: 'PROOF_INVALID' }] });
    expect(service.pool.batchLimit).toBeLessThan(8);

    // Honest answers: back to full batches after a batch's worth (8 jobs) at each step without a failure.
    for (let round = 0; round < 6 && service.pool.batchLimit < 8; round++) {
      const served = await Promise.all(honest.map((a) => verifyStateless(t, venue, a.request, a.presentation)));
      for (const res of served) expect(res.json()).toMatchObject({ accepted: true });
    }
    expect(service.pool.batchLimit).toBe(8);
  }, 300_000);
});
