/**
 * The pages, served by the privid server itself at the API's origin: `/` (landing), `/desk` (lab
 * desk, issuer role), `/gate` (venue gate, verifier role), `/wallet` (reference wallet), their
 * bundled scripts and style sheet under `/assets/`, and the markdown docs under `/guide/`.
 *
 * Every page answers with a strict Content-Security-Policy: scripts, styles, images and API calls
 * from this origin only (images also from blob: URLs, for the QR images the pages fetch), no inline
 * script or style, no eval, no plugins, no framing. Pages are not in the OpenAPI document.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { ApiError } from '../errors.js';
import type { App, ServerContext } from '../server.js';
import { webAssets } from './assets.js';
import { deskPage, gatePage, landingPage, walletPage, type PageContext } from './pages.js';

/** The policy of every page; the wallet adds the camera (see PERMISSIONS). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/** The docs the landing page links, when this instance has them (a container image may not). */
const DOCS = ['architecture', 'verifier-api', 'holder-sdk', 'credential-model'];
const DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));

async function availableDocs(): Promise<string[]> {
  try {
    const files = new Set(await readdir(DOCS_DIR));
    return DOCS.filter((name) => files.has(`${name}.md`));
  } catch {
    return [];
  }
}

export async function webRoutes(app: App, ctx: ServerContext): Promise<void> {
  const desk = ctx.config.roles.has('issuer');
  const gate = ctx.config.roles.has('verifier');
  const docs = await availableDocs();
  const hide = { schema: { hide: true } };

  const sendPage = async (reply: FastifyReply, render: (page: PageContext) => string, camera = false) => {
    const page: PageContext = { assets: await webAssets(), desk, gate, docs };
    return reply
      .headers(PAGE_HEADERS)
      .header('permissions-policy', camera ? 'camera=(self)' : 'camera=(), microphone=(), geolocation=()')
      .type('text/html; charset=utf-8')
      .send(render(page));
  };

  app.get('/', hide, (_request, reply) => sendPage(reply, landingPage));
  if (desk) app.get('/desk', hide, (_request, reply) => sendPage(reply, deskPage));
  if (gate) app.get('/gate', hide, (_request, reply) => sendPage(reply, gatePage));
  app.get('/wallet', hide, (_request, reply) => sendPage(reply, walletPage, true));

  app.get(
    '/assets/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 100 }) }) } },
    async (request, reply) => {
      const asset = (await webAssets()).file(request.params.file);
      if (!asset) throw new ApiError('NOT_FOUND', 'no such asset');
      reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('etag', asset.etag)
        .header('x-content-type-options', 'nosniff')
        .header('vary', 'accept-encoding')
        .type(asset.type);
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
        return reply.header('content-encoding', 'gzip').send(asset.gzip);
      }
      return reply.send(asset.body);
    },
  );

  app.get(
    '/guide/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 100 }) }) } },
    async (request, reply) => {
      const name = request.params.file.replace(/\.md$/, '');
      if (!docs.includes(name)) throw new ApiError('NOT_FOUND', 'no such document');
      const text = await readFile(`${DOCS_DIR}${name}.md`, 'utf8');
      return reply
        .headers({ ...PAGE_HEADERS, 'content-security-policy': "default-src 'none'" })
        .type('text/plain; charset=utf-8')
        .send(text);
    },
  );
}
