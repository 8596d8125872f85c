/**
 * The reference wallet: the holder SDK (privid/holder) running in the browser. The holder secret
 * and the credentials live in IndexedDB (lib/idb-stores.ts); codes are scanned with the camera
 * (BarcodeDetector where the browser has it, @paulmillr/qr's pure-JS decoder otherwise) or pasted.
 * Offers are accepted. A venue's online request (`openid4vp://…`, a reference to its signed request
 * object) is answered with `wallet.respond`: the SDK fetches and authenticates it, this page shows
 * the consent screen (who asks, verified by its signing key's origin; exactly the values shown and
 * the statements proven; whether the venue can recognise the holder), and the SDK posts the answer
 * to the venue's own response URL. An offline kiosk's request is answered with a presentation QR.
 */
import decodeQR from '@paulmillr/qr/decode.js';
import { decodeQr, isCredentialError, isoDateFromDay, type PresentationRequest } from '../credential/index.js';
import {
  HolderError,
  Wallet,
  type ConsentAnswer,
  type ConsentRequest,
  type MatchCandidate,
  type MatchResult,
  type StoredCredential,
} from '../holder/index.js';
import { encodeQR } from '@paulmillr/qr';
import { ApiProblem } from './lib/api.js';
import { byId, h, say, show } from './lib/dom.js';
import { IndexedDbCredentialStore, IndexedDbSecretStore } from './lib/idb-stores.js';
import { attributeName, statementText, valueText } from './lib/statements.js';
import { fill, strings } from './strings.js';

const S = strings();
const W = S.wallet;
const SCAN_INTERVAL_MS = 250;

// The reference wallet answers plain-http verifiers only when it is itself served from plain http
// on this machine (the dev server): a page on https never talks to an http verifier.
const wallet = new Wallet({
  secrets: new IndexedDbSecretStore(),
  credentials: new IndexedDbCredentialStore(),
  allowInsecureLocalhost: /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/.test(location.origin),
});
const today = () => Math.floor(Date.now() / 86_400_000);

const els = {
  cameraStart: byId<HTMLButtonElement>('camera-start'),
  cameraStop: byId<HTMLButtonElement>('camera-stop'),
  camera: byId<HTMLVideoElement>('camera'),
  pasteForm: byId<HTMLFormElement>('paste-form'),
  paste: byId<HTMLTextAreaElement>('paste'),
  status: byId('scan-status'),
  error: byId('scan-error'),
  consent: byId('consent'),
  consentTitle: byId('consent-title'),
  consentVenue: byId('consent-venue'),
  consentItems: byId('consent-items'),
  consentAlways: byId('consent-always'),
  consentRecognise: byId('consent-recognise'),
  consentPersistent: byId('consent-persistent'),
  consentPersistentBox: byId<HTMLInputElement>('consent-persistent-box'),
  share: byId<HTMLButtonElement>('consent-share'),
  showQr: byId<HTMLButtonElement>('consent-qr'),
  decline: byId<HTMLButtonElement>('consent-decline'),
  answer: byId('answer'),
  answerTitle: byId('answer-title'),
  answerText: byId('answer-text'),
  answerQr: byId<HTMLImageElement>('answer-qr'),
  answerDone: byId<HTMLButtonElement>('answer-done'),
  list: byId('credential-list'),
  empty: byId('credentials-empty'),
};

/** The offline request on the consent screen (answered by QR), if any. */
let pending: PresentationRequest | undefined;
/** The online consent screen's answer, given by the Share or Decline button. */
let answerConsent: ((answer: ConsentAnswer) => void) | undefined;

function title(schemaRef: string): string {
  return wallet.schemas.resolve(schemaRef)?.title ?? schemaRef;
}

/** One consent line per credential: the values shown, then the statements proven without showing them. */
function consentItems(candidates: readonly MatchCandidate[]): HTMLElement[] {
  return candidates.map((best) => {
    const shown = Object.entries(best.disclosed).map(
      ([name, value]) => `${attributeName(name)}: ${valueText(name, value)}`,
    );
    const lines = [
      shown.length > 0 ? fill(W.shows, { values: shown.join(', ') }) : W.showsNothing,
      ...(best.proven.length > 0 ? [fill(W.proves, { statements: best.proven.map(statementText).join('; ') })] : []),
    ];
    return h('li', {}, `${title(best.schemaRef)}: ${lines.join('. ')}`);
  });
}

function fail(message: string): void {
  say(els.status, '');
  say(els.error, message);
}

function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) return error.message;
  if (error instanceof HolderError || isCredentialError(error)) return (error as Error).message;
  return S.errors.network!;
}

async function renderCredentials(): Promise<void> {
  const records = await wallet.list();
  els.list.replaceChildren(
    ...records.map((record: StoredCredential) => {
      const remove = h('button', { type: 'button', class: 'quiet' }, W.remove);
      remove.addEventListener('click', () => void wallet.remove(record.id).then(renderCredentials));
      return h(
        'li',
        {},
        fill(W.credentialLine, {
          title: title(record.credential.schemaRef),
          date: isoDateFromDay(record.credential.validUntil),
        }),
        ' ',
        remove,
      );
    }),
  );
  show(els.empty, records.length === 0);
}

/** What a scanned or pasted text is, and what to do with it. */
async function handle(text: string): Promise<void> {
  say(els.error, '');
  show(els.answer, false);
  show(els.consent, false);
  if (/^(?:openid4vp:|https?:)/i.test(text.trim())) {
    await respondOnline(text.trim());
    return;
  }
  let payload;
  try {
    payload = decodeQr(text.trim());
  } catch {
    fail(W.notPrivid);
    return;
  }
  if (payload.kind === 'offer') {
    say(els.status, W.collecting);
    try {
      const stored = await wallet.acceptOffer(payload.value);
      say(
        els.status,
        fill(W.collected, {
          title: title(stored.credential.schemaRef),
          date: isoDateFromDay(stored.credential.validUntil),
        }),
      );
      els.paste.value = '';
      await renderCredentials();
    } catch (error) {
      fail(messageOf(error));
    }
    return;
  }
  if (payload.kind === 'request') {
    await consent(payload.value);
    return;
  }
  fail(W.notPrivid);
}

/**
 * An online request, answered by the SDK: `wallet.respond` fetches and authenticates it, asks
 * `askConsent`, proves and posts to the venue's response URL. Every refusal (a bad signature, an
 * expired request, a period that is not current) is the SDK's, before any proof is made.
 */
async function respondOnline(text: string): Promise<void> {
  say(els.status, W.checking);
  try {
    const result = await wallet.respond(text, { today: today(), consent: askConsent });
    const accepted = result.status === 'accepted';
    els.answerTitle.textContent = `${W.answered}: ${accepted ? W.accepted : W.rejected}`;
    els.answerText.replaceChildren(...result.reasons.map((r) => h('li', {}, S.reasons[r.code] ?? r.code)));
    show(els.answerQr, false);
    say(els.status, '');
    show(els.answer);
    els.answerTitle.focus();
  } catch (error) {
    show(els.consent, false);
    if (error instanceof HolderError && error.code === 'CONSENT_DECLINED') say(els.status, W.declined);
    else if (error instanceof HolderError && error.code === 'CANNOT_SATISFY') cannotAnswer(error.message);
    else fail(messageOf(error));
  } finally {
    answerConsent = undefined;
  }
}

/** No stored credential satisfies the request: say so on the consent panel, with no way to share. */
function cannotAnswer(why: string): void {
  say(els.status, '');
  els.consentTitle.textContent = W.cannotAny;
  els.consentVenue.textContent = '';
  els.consentItems.replaceChildren(h('li', {}, why));
  for (const el of [els.consentAlways, els.consentRecognise, els.consentPersistent, els.share, els.showQr]) {
    show(el, false);
  }
  show(els.consent);
  els.consentTitle.focus();
}

/** The consent screen of an authenticated online request; resolves with the holder's answer. */
function askConsent(request: ConsentRequest): Promise<ConsentAnswer> {
  say(els.status, '');
  pending = undefined;
  els.consentTitle.textContent = fill(W.asks, { venue: request.verifier.name });
  els.consentVenue.textContent = fill(W.venueVerified, { origin: request.verifier.origin });
  els.consentItems.replaceChildren(...consentItems(request.disclosures));
  els.consentAlways.textContent = W.always;
  const nym = request.pseudonym;
  els.consentRecognise.textContent = !nym
    ? W.recogniseNo
    : nym.persistent
      ? W.recogniseAlways
      : fill(W.recogniseYes, {
          scope: nym.scope,
          period: nym.period ? fill(W.recognisePeriod, { period: nym.period }) : '',
        });
  els.consentPersistentBox.checked = false;
  show(els.consentPersistent, nym?.persistent === true);
  show(els.consentAlways);
  show(els.consentRecognise);
  show(els.share);
  show(els.showQr, false);
  show(els.consent);
  els.consentTitle.focus();
  return new Promise((resolve) => {
    answerConsent = resolve;
  });
}

/** The consent screen of an offline kiosk's request (answered by a presentation QR code). */
async function consent(request: PresentationRequest): Promise<void> {
  const match: MatchResult = await wallet.match(request, { today: today() });
  say(els.status, '');
  pending = request;
  els.consentTitle.textContent = fill(W.asks, { venue: request.verifierName });
  els.consentVenue.textContent = fill(W.venueId, { id: request.verifierId });
  show(els.consentPersistent, false);
  if (!match.satisfiable) {
    els.consentTitle.textContent = fill(W.cannot, { venue: request.verifierName });
    els.consentItems.replaceChildren(
      ...match.groups.filter((g) => g.candidates.length === 0).map((g) => h('li', {}, g.message ?? g.reason ?? '')),
    );
    show(els.consentAlways, false);
    show(els.consentRecognise, false);
    show(els.share, false);
    show(els.showQr, false);
  } else {
    els.consentItems.replaceChildren(...consentItems(match.groups.map((group) => group.candidates[0]!)));
    els.consentAlways.textContent = W.always;
    els.consentRecognise.textContent = match.pseudonym
      ? fill(W.recogniseYes, {
          scope: match.pseudonym.scope,
          period: match.pseudonym.period ? fill(W.recognisePeriod, { period: match.pseudonym.period }) : '',
        })
      : W.recogniseNo;
    show(els.consentAlways);
    show(els.consentRecognise);
    show(els.share, false);
    show(els.showQr);
  }
  show(els.consent);
  els.consentTitle.focus();
}

function share(): void {
  if (!answerConsent) return;
  show(els.consent, false);
  say(els.status, W.sending);
  answerConsent({ approve: true, allowPersistentPseudonym: els.consentPersistentBox.checked });
}

/**
 * The answer's QR image, drawn on this device: a presentation carries what the holder shows and
 * proves (and a kiosk's pseudonym), so it is never sent to a server to be drawn (the service's QR
 * routes refuse it). Error correction M and a 4-module quiet zone, as the service draws its own.
 */
function presentationQrUrl(text: string): string {
  if (answerQrUrl) URL.revokeObjectURL(answerQrUrl);
  const svg = encodeQR(text, 'svg', { ecc: 'medium', border: 4 });
  answerQrUrl = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  return answerQrUrl;
}
let answerQrUrl: string | undefined;

async function showPresentationQr(): Promise<void> {
  const request = pending;
  if (!request) return;
  show(els.consent, false);
  try {
    const text = await wallet.presentQr(request, { today: today() });
    els.answerQr.src = presentationQrUrl(text);
    els.answerTitle.textContent = W.qrTitle;
    els.answerText.replaceChildren();
    show(els.answerQr);
    show(els.answer);
    els.answerTitle.focus();
  } catch (error) {
    fail(messageOf(error));
  }
  pending = undefined;
}

// ---------------------------------------------------------------------------------------------
// The camera
// ---------------------------------------------------------------------------------------------

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
let stream: MediaStream | undefined;
let scanTimer: ReturnType<typeof setTimeout> | undefined;

function detector(): Detector | undefined {
  const Native = (globalThis as unknown as { BarcodeDetector?: new (o: { formats: string[] }) => Detector })
    .BarcodeDetector;
  return Native ? new Native({ formats: ['qr_code'] }) : undefined;
}

/** One frame's QR text, if any: the browser's detector, else the pure-JS decoder on the pixels. */
async function scanFrame(native: Detector | undefined, canvas: HTMLCanvasElement): Promise<string | undefined> {
  const video = els.camera;
  if (video.videoWidth === 0) return undefined;
  if (native) return (await native.detect(video))[0]?.rawValue;
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return undefined;
  context.drawImage(video, 0, 0);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  try {
    return decodeQR({ width: image.width, height: image.height, data: image.data });
  } catch {
    return undefined; // no code in this frame
  }
}

async function startCamera(): Promise<void> {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch {
    fail(W.cameraUnavailable);
    return;
  }
  els.camera.srcObject = stream;
  await els.camera.play().catch(() => undefined);
  show(els.camera);
  show(els.cameraStart, false);
  show(els.cameraStop);
  const native = detector();
  const canvas = document.createElement('canvas');
  const tick = async () => {
    if (!stream) return;
    const text = await scanFrame(native, canvas).catch(() => undefined);
    if (text) {
      stopCamera();
      await handle(text);
      return;
    }
    scanTimer = setTimeout(() => void tick(), SCAN_INTERVAL_MS);
  };
  void tick();
}

function stopCamera(): void {
  clearTimeout(scanTimer);
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = undefined;
  els.camera.srcObject = null;
  show(els.camera, false);
  show(els.cameraStop, false);
  show(els.cameraStart);
}

els.cameraStart.addEventListener('click', () => void startCamera());
els.cameraStop.addEventListener('click', stopCamera);
els.pasteForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void handle(els.paste.value);
});
els.share.addEventListener('click', share);
els.showQr.addEventListener('click', () => void showPresentationQr());
els.decline.addEventListener('click', () => {
  pending = undefined;
  show(els.consent, false);
  say(els.status, W.declined);
  answerConsent?.(false);
});
els.answerDone.addEventListener('click', () => {
  show(els.answer, false);
  els.paste.value = '';
  els.paste.focus();
});
void renderCredentials();
