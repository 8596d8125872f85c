/**
 * QR images of privid QR texts: `POST /v1/qr.svg` (screens) and `POST /v1/qr.png` (printers).
 *
 * Why a render route and not a `/v1/offers/{id}/qr.svg` sub-resource: the QR text of an offer holds
 * its one-time code and that of a request its nonce, and the server keeps neither in the clear
 * after answering the creation (only their hashes), so it cannot draw them again later. The caller
 * sends back the `qr` text the creation returned, in a POST body (never in a URL, where it would
 * land in browser histories and proxy logs), and gets the image; nothing is stored or logged.
 *
 * Only privid offer and request QR texts are drawn (strictly decoded first), and the references a venue's screen
 * shows (`openid4vp://?client_id=…&request_uri=…`) when their request_uri is on this service's own
 * origin: this is not a general QR service.
 * No account is needed (a kiosk screen or a printer of a venue or lab); a per-client rate limit
 * bounds the CPU anyone can spend on it.
 */
import Type from 'typebox';
import {
  decodeQr,
  isCredentialError,
  MAX_QR_TEXT_LENGTH,
  originOf,
  parseAuthorizationRequestUri,
} from '../../credential/index.js';
import { ApiError } from '../errors.js';
import { BODY_PROBLEMS, closed, problemResponses, Text } from '../ops/http.js';
import type { App } from '../server.js';
import { PNG_SCALE, qrPng, qrSvg } from './render.js';

/** Images per client per minute: a door or desk draws one every few seconds at most. */
export const QR_RATE_LIMIT_PER_MINUTE = 120;

const QrText = Text({
  minLength: 1,
  maxLength: MAX_QR_TEXT_LENGTH,
  description:
    'A privid offer or request QR text (`PRIVID1:O:…`, `PRIVID1:R:…`) or a request reference (`openid4vp://…` naming a request of this service), as the API returned it',
});

/**
 * Refuses anything but a privid QR text that decodes strictly, or a request reference to this
 * service (400 with privid/credential's code, or `QR_PREFIX`).
 */
function checkedText(text: string, ownOrigin: string | undefined): string {
  if (text.startsWith('openid4vp:')) {
    let requestUri: string;
    try {
      requestUri = parseAuthorizationRequestUri(text).requestUri;
    } catch (error) {
      if (!isCredentialError(error)) throw error;
      throw invalid(error.message, error.code);
    }
    if (originOf(requestUri) !== ownOrigin) throw invalid('the request_uri is not on this service', 'QR_PREFIX');
    const clientId = parseAuthorizationRequestUri(text).clientId;
    if (clientId !== undefined && originOf(clientId) !== ownOrigin) {
      throw invalid('the client_id is not a venue of this service', 'QR_PREFIX');
    }
    return text;
  }
  let kind: string;
  try {
    kind = decodeQr(text).kind;
  } catch (error) {
    if (!isCredentialError(error)) throw error;
    throw invalid(error.message, error.code);
  }
  // A presentation carries what a holder shows and proves, and a kiosk's pseudonym: it is drawn on the
  // holder's device, never sent here (the reference wallet draws its own).
  if (kind === 'presentation') throw invalid('a presentation is drawn on the holder’s device, not here', 'QR_PREFIX');
  return text;
}

function invalid(message: string, formatCode: string): ApiError {
  return new ApiError('VALIDATION_FAILED', `text: ${message}`, {
    errors: [{ path: 'body/text', message }],
    formatCode,
  });
}

const common = {
  tags: ['qr images'],
  security: [],
  description:
    'Draws a privid QR text as an image: error correction level M, a quiet zone of 4 modules, alphanumeric ' +
    'mode (byte mode for a request reference). Send the `qr` text an offer or request creation returned; ' +
    'a presentation is refused (a wallet draws its own). ' +
    'Nothing is stored; the answer is `Cache-Control: no-store` because the text carries a one-time code ' +
    'or nonce. Rate-limited per client.',
};

export function qrImageRoutes(app: App, publicUrl: string): void {
  const ownOrigin = originOf(publicUrl);
  const rateLimit = { rateLimit: { max: QR_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 } };
  app.post(
    '/v1/qr.svg',
    {
      config: rateLimit,
      schema: {
        ...common,
        summary: 'A privid QR text as an SVG image (for screens)',
        body: closed({ text: QrText }, { examples: [{ text: 'PRIVID1:O:…' }] }),
        response: {
          200: {
            description: 'The SVG image (a few KB), light background, crisp edges.',
            content: { 'image/svg+xml': { schema: { type: 'string' } } },
          },
          ...problemResponses(...BODY_PROBLEMS, 'RATE_LIMITED'),
        },
      },
    },
    async (request, reply) => {
      const svg = qrSvg(checkedText(request.body.text, ownOrigin));
      return reply
        .header('cache-control', 'no-store')
        .header('content-security-policy', "default-src 'none'")
        .type('image/svg+xml; charset=utf-8')
        .send(svg);
    },
  );

  app.post(
    '/v1/qr.png',
    {
      config: rateLimit,
      schema: {
        ...common,
        summary: 'A privid QR text as a PNG image (for printers)',
        body: closed(
          {
            text: QrText,
            scale: Type.Optional(
              Type.Integer({
                minimum: PNG_SCALE.min,
                maximum: PNG_SCALE.max,
                default: PNG_SCALE.default,
                description: 'Pixels per module',
              }),
            ),
          },
          { examples: [{ text: 'PRIVID1:O:…', scale: 8 }] },
        ),
        response: {
          200: {
            description: 'The PNG image (1-bit greyscale).',
            content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
          },
          ...problemResponses(...BODY_PROBLEMS, 'RATE_LIMITED'),
        },
      },
    },
    async (request, reply) => {
      const png = qrPng(checkedText(request.body.text, ownOrigin), request.body.scale ?? PNG_SCALE.default);
      // The bytes as they are: the type provider reads the OpenAPI `binary` string as a JS string.
      const body = Buffer.from(png) as unknown as string;
      return reply.header('cache-control', 'no-store').type('image/png').send(body);
    },
  );
}
