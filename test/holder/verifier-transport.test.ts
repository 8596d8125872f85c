// The wallet's verifier transport against a real local HTTP server that misbehaves: it must follow
// no redirect (the wallet answers only the origin it authenticated), cut off a body that never
// ends, and refuse an answer larger than its cap without buffering it whole.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Presentation } from '../../src/credential/index.js';
import { fetchVerifierTransport, HolderError } from '../../src/holder/index.js';
import { failure } from './failure.js';

const TEN_MIB = 10 * 1024 * 1024;
const JWKS = JSON.stringify({ keys: [] });

let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    req.resume();
    switch (path) {
      case '/jwks':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JWKS);
      case '/redirect':
        return res.writeHead(302, { location: `${base}/jwks` }).end();
      case '/never-ends':
        // Headers and a first chunk, then nothing: the body is never finished.
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.write('{"keys":[');
      case '/huge-declared':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(TEN_MIB) });
        return res.end(Buffer.alloc(TEN_MIB, 0x20));
      case '/huge-chunked':
      case '/huge-answer': {
        // No content-length: only reading the stream can tell. Written with backpressure.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < TEN_MIB) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (sent = TEN_MIB));
        return pump();
      }
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fetchVerifierTransport', () => {
  it('reads a well-behaved answer', async () => {
    await expect(fetchVerifierTransport().verifierKeys(`${base}/jwks`)).resolves.toEqual({ keys: [] });
  });

  it('follows no redirect: NETWORK_ERROR, and the target is never asked', async () => {
    const before = hits.get('/jwks') ?? 0;
    const error = await failure(() => fetchVerifierTransport().verifierKeys(`${base}/redirect`));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(hits.get('/jwks') ?? 0).toBe(before);
  });

  it('refuses a redirect even with a fetch that follows it (React Native ignores redirect: error)', async () => {
    const following: typeof fetch = (input, init) => globalThis.fetch(input, { ...init, redirect: 'follow' });
    const error = await failure(() => fetchVerifierTransport({ fetch: following }).verifierKeys(`${base}/redirect`));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toContain('was redirected');
  });

  it('cuts off a body that never ends: NETWORK_ERROR naming the timeout', async () => {
    const error = await failure(() => fetchVerifierTransport({ timeoutMs: 300 }).verifierKeys(`${base}/never-ends`));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toContain('timed out after 300 ms');
  });

  it('refuses 10 MiB declared in content-length: INVALID_RESPONSE', async () => {
    const error = await failure(() => fetchVerifierTransport().verifierKeys(`${base}/huge-declared`));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toContain('larger than 65536 bytes');
  });

  it('refuses 10 MiB streamed without a length, for the request object, the keys and the answer', async () => {
    const transport = fetchVerifierTransport();
    const presentation = { requestId: 'r' } as unknown as Presentation;
    for (const run of [
      () => transport.requestObject(`${base}/huge-chunked`),
      () => transport.verifierKeys(`${base}/huge-chunked`),
      () => transport.submit(`${base}/huge-answer`, presentation),
    ]) {
      const error = await failure(run);
      expect(error.code).toBe('INVALID_RESPONSE');
      expect(error.message).toContain('larger than 65536 bytes');
    }
  });

  it('the cap is configurable, and bad options are argument errors', async () => {
    const error = await failure(() => fetchVerifierTransport({ maxResponseBytes: 4 }).verifierKeys(`${base}/jwks`));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(() => fetchVerifierTransport({ maxResponseBytes: 0 })).toThrow(HolderError);
    expect(() => fetchVerifierTransport({ timeoutMs: -1 })).toThrow(HolderError);
  });
});
