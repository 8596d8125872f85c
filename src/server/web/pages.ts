/**
 * The HTML of the pages: a server-rendered skeleton (headings, forms, labels, live regions) in the
 * words of src/web/strings.ts; the page script (assets.ts) fills in what depends on the API.
 * No inline script or style anywhere: the Content-Security-Policy forbids both.
 */
import { strings, type Strings } from '../../web/strings.js';
import type { PageScript, WebAssets } from './assets.js';

/** Escapes text for HTML content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageContext {
  readonly assets: WebAssets;
  /** Which screens this instance serves (PRIVID_ROLES). */
  readonly desk: boolean;
  readonly gate: boolean;
  /** The docs/*.md files this instance can serve (by name). */
  readonly docs: readonly string[];
}

function layout(
  S: Strings,
  ctx: PageContext,
  page: { title: string; script?: PageScript; current: string; bodyClass: string },
  main: string,
): string {
  const nav = (
    [
      ['/', S.nav.home, true],
      ['/desk', S.nav.desk, ctx.desk],
      ['/gate', S.nav.gate, ctx.gate],
      ['/wallet', S.nav.wallet, true],
    ] as const
  )
    .filter(([, , served]) => served)
    .map(
      ([href, label]) =>
        `<li><a href="${href}"${href === page.current ? ' aria-current="page"' : ''}>${esc(label)}</a></li>`,
    )
    .join('');
  const script = page.script ? `<script type="module" src="${ctx.assets.url(page.script)}"></script>` : '';
  return `<!doctype html>
<html lang="${S.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)} · ${esc(S.product)}</title>
<link rel="stylesheet" href="${ctx.assets.url('style')}">
${script}
</head>
<body class="${page.bodyClass}">
<a class="skip" href="#main">${esc(S.skip)}</a>
<header class="bar">
<nav aria-label="${esc(S.product)}"><ul>${nav}</ul></nav>
<button type="button" id="signout" class="quiet" hidden>${esc(S.signin.signout)}</button>
</header>
<main id="main" tabindex="-1">
${main}
</main>
</body>
</html>
`;
}

function signInSection(S: Strings, label: string): string {
  return `<section id="signin" aria-labelledby="signin-title">
<h2 id="signin-title">${esc(S.signin.submit)}</h2>
<form id="signin-form">
<label for="signin-key">${esc(label)}</label>
<input id="signin-key" name="key" type="password" autocomplete="off" spellcheck="false" required aria-describedby="signin-hint">
<p id="signin-hint" class="hint">${esc(S.signin.hint)}</p>
<button type="submit">${esc(S.signin.submit)}</button>
<p id="signin-error" class="error" role="alert" hidden></p>
</form>
</section>`;
}

export function landingPage(ctx: PageContext): string {
  const S = strings();
  const screen = (href: string, text: string, served: boolean) =>
    served ? `<li><a href="${href}">${esc(text)}</a></li>` : `<li>${esc(text)} (${esc(S.landing.notServed)})</li>`;
  const docs = ctx.docs
    .map((name) => `<li><a href="/guide/${name}.md">${esc(S.landing.docNames[name] ?? name)}</a></li>`)
    .join('');
  return layout(
    S,
    ctx,
    { title: S.landing.title, current: '/', bodyClass: 'page' },
    `<h1>${esc(S.landing.title)}</h1>
<p class="lead">${esc(S.landing.lead)}</p>
<h2>${esc(S.landing.screens)}</h2>
<ul class="cards">
${screen('/desk', S.landing.desk, ctx.desk)}
${screen('/gate', S.landing.gate, ctx.gate)}
${screen('/wallet', S.landing.wallet, true)}
</ul>
<h2>${esc(S.landing.developers)}</h2>
<ul>
<li><a href="/docs">${esc(S.landing.swagger)}</a></li>
<li><a href="/docs/json">${esc(S.landing.openapi)}</a></li>
</ul>
${docs ? `<h3>${esc(S.landing.docs)}</h3>\n<ul>${docs}</ul>` : ''}`,
  );
}

export function deskPage(ctx: PageContext): string {
  const S = strings();
  const D = S.desk;
  return layout(
    S,
    ctx,
    { title: D.title, script: 'desk', current: '/desk', bodyClass: 'page desk' },
    `<h1>${esc(D.title)}</h1>
${signInSection(S, S.signin.labKey)}
<section id="compose" aria-labelledby="compose-title" hidden>
<h2 id="compose-title">${esc(D.compose)}</h2>
<form id="offer-form" novalidate>
<label for="schema">${esc(D.schema)}</label>
<select id="schema" name="schema" required></select>
<p id="schema-hint" class="hint"></p>
<div id="fields"></div>
<label for="valid-days">${esc(D.validDays)}</label>
<input id="valid-days" name="validDays" type="number" inputmode="numeric" min="1" max="3650" step="1" value="2" required aria-describedby="valid-days-error">
<p id="valid-days-error" class="field-error" hidden></p>
<button type="submit">${esc(D.create)}</button>
<p id="compose-error" class="error" role="alert" hidden></p>
</form>
</section>
<section id="offer" class="receipt" aria-labelledby="offer-title" hidden>
<h2 id="offer-title" tabindex="-1">${esc(D.offer)}</h2>
<img id="offer-qr" class="qr" alt="${esc(D.qrAlt)}" width="360" height="360">
<p class="receipt-note">${esc(D.receiptNote)}</p>
<dl>
<dt>${esc(D.kind)}</dt><dd id="offer-kind"></dd>
<dt>${esc(D.validUntil)}</dt><dd id="offer-valid"></dd>
<dt>${esc(D.expiresAt)}</dt><dd id="offer-expires"></dd>
<dt>${esc(D.status)}</dt><dd><span id="offer-status" role="status"></span></dd>
</dl>
<div class="actions">
<button type="button" id="offer-cancel" class="danger">${esc(D.cancel)}</button>
<button type="button" id="offer-print">${esc(D.print)}</button>
<button type="button" id="offer-new">${esc(D.another)}</button>
</div>
<p id="offer-error" class="error" role="alert" hidden></p>
</section>`,
  );
}

export function gatePage(ctx: PageContext): string {
  const S = strings();
  const G = S.gate;
  return layout(
    S,
    ctx,
    { title: G.title, script: 'gate', current: '/gate', bodyClass: 'page gate' },
    `<h1 id="gate-title">${esc(G.title)}</h1>
${signInSection(S, S.signin.venueKey)}
<section id="setup" aria-labelledby="setup-title" hidden>
<h2 id="setup-title">${esc(G.setup)}</h2>
<form id="policy-form">
<label for="policy">${esc(G.policy)}</label>
<select id="policy" name="policy" required aria-describedby="policy-hint"></select>
<p id="policy-hint" class="hint"></p>
<button type="submit">${esc(G.start)}</button>
<p id="setup-error" class="error" role="alert" hidden></p>
</form>
</section>
<section id="door" class="door" aria-labelledby="door-title" hidden>
<h2 id="door-title" class="door-title">${esc(G.scan)}</h2>
<div id="door-qr-box" class="door-qr">
<img id="door-qr" class="qr" alt="${esc(G.qrAlt)}">
</div>
<div id="door-result" class="door-result" role="status" aria-live="assertive" aria-atomic="true">
<p id="door-verdict" class="verdict"></p>
<ul id="door-details" class="details"></ul>
</div>
<div class="actions">
<button type="button" id="door-next" hidden>${esc(G.next)}</button>
<button type="button" id="door-stop" class="quiet">${esc(G.stop)}</button>
</div>
</section>`,
  );
}

export function walletPage(ctx: PageContext): string {
  const S = strings();
  const W = S.wallet;
  return layout(
    S,
    ctx,
    { title: W.title, script: 'wallet', current: '/wallet', bodyClass: 'page wallet' },
    `<h1>${esc(W.title)}</h1>
<section id="scan" aria-labelledby="scan-title">
<h2 id="scan-title">${esc(W.scan)}</h2>
<div class="actions">
<button type="button" id="camera-start">${esc(W.cameraStart)}</button>
<button type="button" id="camera-stop" class="quiet" hidden>${esc(W.cameraStop)}</button>
</div>
<video id="camera" class="camera" muted playsinline aria-label="${esc(W.cameraLabel)}" hidden></video>
<form id="paste-form">
<label for="paste">${esc(W.paste)}</label>
<textarea id="paste" name="text" rows="3" spellcheck="false" autocomplete="off"></textarea>
<button type="submit">${esc(W.read)}</button>
</form>
<p id="scan-status" role="status"></p>
<p id="scan-error" class="error" role="alert" hidden></p>
</section>
<section id="consent" aria-labelledby="consent-title" hidden>
<h2 id="consent-title" tabindex="-1"></h2>
<p id="consent-venue" class="hint"></p>
<ul id="consent-items"></ul>
<p id="consent-always"></p>
<p id="consent-recognise"></p>
<p id="consent-persistent" hidden><label><input type="checkbox" id="consent-persistent-box"> ${esc(W.allowAlways)}</label></p>
<div class="actions">
<button type="button" id="consent-share">${esc(W.share)}</button>
<button type="button" id="consent-qr">${esc(W.showQr)}</button>
<button type="button" id="consent-decline" class="quiet">${esc(W.decline)}</button>
</div>
</section>
<section id="answer" aria-labelledby="answer-title" hidden>
<h2 id="answer-title" tabindex="-1"></h2>
<ul id="answer-text"></ul>
<img id="answer-qr" class="qr" alt="${esc(W.qrAlt)}" hidden>
<button type="button" id="answer-done">${esc(W.done)}</button>
</section>
<section id="credentials" aria-labelledby="credentials-title">
<h2 id="credentials-title">${esc(W.credentials)}</h2>
<ul id="credential-list"></ul>
<p id="credentials-empty">${esc(W.none)}</p>
</section>`,
  );
}
