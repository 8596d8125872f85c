/**
 * The venue gate: sign in with a venue API key, pick a policy, and show request QR codes one after
 * another. Each request's outcome arrives over server-sent events; the whole screen turns green or
 * red at once and says, in plain words, what the pass showed or why it was refused; then the next
 * QR code (created while the verdict shows) appears by itself.
 */
import type { ProvenConstraint } from '../credential/index.js';
import { ApiProblem, json, KeyStore, qrImageUrl } from './lib/api.js';
import { byId, h, isoDay, say, show } from './lib/dom.js';
import { serverEvents } from './lib/events.js';
import { signIn } from './lib/signin.js';
import { attributeName, doorWords } from './lib/statements.js';
import { fill, strings } from './strings.js';

const S = strings();
const G = S.gate;
const keys = new KeyStore('privid.gate.key');
/** How long a verdict stays before the next code shows. */
const VERDICT_MS = 6_000;
const RETRY_MS = 2_000;

interface Policy {
  id: string;
  name: string;
  definition: { description?: string };
}
interface CreatedRequest {
  id: string;
  qr: string;
  expiresAt: string;
}
interface Reason {
  code: string;
  message?: string;
}
interface RequestView {
  id: string;
  status: string;
  outcomeCode: string | null;
  outcome?: {
    accepted: boolean;
    reasons: Reason[];
    disclosed?: {
      schemaRef: string;
      values: Record<string, string | number | boolean>;
      proven?: ProvenConstraint[];
    }[];
    pseudonym?: string;
  };
}

const els = {
  setup: byId('setup'),
  policyForm: byId<HTMLFormElement>('policy-form'),
  policy: byId<HTMLSelectElement>('policy'),
  policyHint: byId('policy-hint'),
  setupError: byId('setup-error'),
  door: byId('door'),
  qr: byId<HTMLImageElement>('door-qr'),
  verdict: byId('door-verdict'),
  details: byId('door-details'),
  next: byId<HTMLButtonElement>('door-next'),
  stop: byId<HTMLButtonElement>('door-stop'),
};

let key = '';
let policies: Policy[] = [];
let running: AbortController | undefined;
let skipVerdict: (() => void) | undefined;
let qrUrl: string | undefined;

function setState(state: 'waiting' | 'checking' | 'accepted' | 'rejected'): void {
  document.body.classList.remove('waiting', 'checking', 'accepted', 'rejected');
  document.body.classList.add(state);
  document.body.dataset.state = state;
}

const today = () => Math.floor(Date.now() / 86_400_000);

/** What an accepted pass showed or proved, in the door person's words ("negative test", "valid today"). */
export function learned(outcome: NonNullable<RequestView['outcome']>): string[] {
  const lines: string[] = [];
  for (const item of outcome.disclosed ?? []) {
    const parts: string[] = [];
    for (const [name, value] of Object.entries(item.values)) {
      if ((name === 'validUntil' || name === 'validFrom') && typeof value === 'number') {
        if (name === 'validUntil')
          parts.push(value === today() ? S.validToday : fill(S.validUntilDay, { date: isoDay(value) }));
        continue;
      }
      const words = S.values[name]?.[String(value)];
      parts.push(words ?? `${attributeName(name)}: ${String(value)}`);
    }
    for (const statement of item.proven ?? []) {
      const words = doorWords(statement, today());
      if (words !== undefined) parts.push(words);
    }
    if (parts.length > 0) lines.push(parts.join(', '));
  }
  if (outcome.pseudonym) lines.push(G.pseudonym);
  return lines;
}

/** Why a pass was refused, each reason once, in the door person's words. */
export function refusal(reasons: readonly Reason[], code: string | null): string[] {
  const codes = reasons.length > 0 ? reasons.map((r) => r.code) : [code ?? 'REJECTED'];
  return [...new Set(codes.map((c) => S.reasons[c] ?? fill(S.unknownReason, { code: c })))];
}

function showVerdict(view: RequestView): void {
  const outcome = view.outcome;
  const accepted = outcome ? outcome.accepted : view.status === 'accepted';
  setState(accepted ? 'accepted' : 'rejected');
  const lines = accepted ? (outcome ? learned(outcome) : []) : refusal(outcome?.reasons ?? [], view.outcomeCode);
  els.verdict.textContent = accepted ? G.accepted : G.rejected;
  els.details.replaceChildren(...lines.map((line) => h('li', {}, line)));
  show(els.next);
}

function showWaiting(message = G.waiting): void {
  setState('waiting');
  els.verdict.textContent = '';
  els.details.replaceChildren(h('li', {}, message));
  show(els.next, false);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      skipVerdict = undefined;
      signal.removeEventListener('abort', done);
      resolve();
    }
    skipVerdict = done;
    signal.addEventListener('abort', done);
  });
}

/** The outcome of one request: from its event stream, or 'expired'. */
async function outcomeOf(request: CreatedRequest, signal: AbortSignal): Promise<RequestView | 'expired'> {
  for (;;) {
    try {
      for await (const { event, data } of serverEvents(`/v1/venue/requests/${request.id}/events`, key, signal)) {
        if (event === 'expired') return 'expired';
        if (event === 'outcome') return JSON.parse(data) as RequestView;
        if (event === 'status' && (JSON.parse(data) as { status: string }).status === 'verifying') {
          showWaiting(G.checking);
        }
      }
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof ApiProblem && error.code === 'UNAUTHENTICATED') throw error;
    }
    if (Date.parse(request.expiresAt) <= Date.now()) return 'expired';
    showWaiting(G.connection);
    await pause(RETRY_MS, signal);
    if (signal.aborted) throw new DOMException('stopped', 'AbortError');
  }
}

async function newRequest(policy: string): Promise<{ request: CreatedRequest; image: string }> {
  const request = await json<CreatedRequest>('POST', '/v1/venue/requests', { key, body: { policy } });
  return { request, image: await qrImageUrl(request.qr) };
}

async function run(policy: string, signal: AbortSignal): Promise<void> {
  let next = newRequest(policy);
  while (!signal.aborted) {
    const { request, image } = await next;
    if (qrUrl) URL.revokeObjectURL(qrUrl);
    qrUrl = image;
    els.qr.src = image;
    els.qr.dataset.requestId = request.id;
    showWaiting();
    const outcome = await outcomeOf(request, signal);
    // The next code is made while the verdict shows, so it appears the moment the verdict goes.
    next = newRequest(policy);
    if (outcome === 'expired') continue;
    showVerdict(outcome);
    await pause(VERDICT_MS, signal);
  }
}

function startDoor(policy: string): void {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  show(els.setup, false);
  show(els.door);
  document.body.classList.add('running');
  run(policy, controller.signal).catch((error: unknown) => {
    if (controller.signal.aborted) return;
    stopDoor();
    say(els.setupError, error instanceof ApiProblem ? error.message : S.errors.network!);
  });
}

function stopDoor(): void {
  running?.abort();
  running = undefined;
  document.body.classList.remove('running', 'waiting', 'checking', 'accepted', 'rejected');
  show(els.door, false);
  show(els.setup);
  els.policy.focus();
}

async function start(apiKey: string, venue: { policies: Policy[] }): Promise<void> {
  key = apiKey;
  policies = venue.policies;
  els.policy.replaceChildren(...policies.map((p) => h('option', { value: p.name }, p.name)));
  const describe = () => {
    els.policyHint.textContent = policies.find((p) => p.name === els.policy.value)?.definition.description ?? '';
  };
  describe();
  els.policy.addEventListener('change', describe);
  show(els.setup);
  if (policies.length === 0) say(els.setupError, G.noPolicies);
}

els.policyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (els.policy.value) startDoor(els.policy.value);
});
els.next.addEventListener('click', () => skipVerdict?.());
els.stop.addEventListener('click', stopDoor);

let venue: { policies: Policy[] } = { policies: [] };
signIn(
  keys,
  async (candidate) => {
    venue = await json<{ policies: Policy[] }>('GET', '/v1/venue', { key: candidate });
  },
  (accepted) => void start(accepted, venue),
);
