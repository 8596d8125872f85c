// Resources a client or a peer could hold: a request sent a byte a second (body or headers) is cut
// off with 408, and issuer metadata is refused while it streams once it passes its size limit, without
// reading the rest. Real sockets and a real local HTTP server, each bounded in time and bytes.
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MetadataError } from '../../src/server/verifier/metadata.js';
import { httpMetadataFetcher } from '../../src/server/verifier/trust.js';
import { startIssuerServer, type TestServer } from './support/server.js';

/**
 * Opens a socket, sends `head`, then one byte of `drip` a second; resolves with what the server
 * answered and after how many seconds it closed the connection, or `stillOpen` after maxSeconds.
 */
function drip(port: number, head: string, dripText: string, maxSeconds: number) {
  return new Promise<{ answer: string; closedAfter: number | 'stillOpen'; sent: number }>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closedAfter: number | 'stillOpen') => {
      clearInterval(timer);
      socket.destroy();
      resolve({ answer, closedAfter, sent });
    };
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => finish((Date.now() - started) / 1000));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if ((Date.now() - started) / 1000 > maxSeconds) return finish('stillOpen');
        if (sent < dripText.length && !socket.destroyed) socket.write(dripText[sent++]!);
      }, 1000);
    });
  });
}

describe('slow clients', () => {
  let t: TestServer;
  let port: number;
  beforeAll(async () => {
    t = await startIssuerServer('pglite', { env: { PRIVID_REQUEST_TIMEOUT: '3' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('cuts off a body sent one byte a second with 408', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(200) });
    const head =
      `POST /v1/admin/labs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.adminToken}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const result = await drip(port, head, body, 30);
    // 3 s allowed, checked every second; a loaded machine may add a few.
    expect(result.closedAfter).not.toBe('stillOpen');
    expect(result.closedAfter).toBeLessThan(15);
    expect(result.sent).toBeLessThan(body.length);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);

  it('cuts off headers sent one byte a second', async () => {
    const headers = `X-Slow: ${'a'.repeat(100)}\r\n\r\n`;
    const result = await drip(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', headers, 30);
    expect(result.closedAfter).not.toBe('stillOpen');
    expect(result.closedAfter).toBeLessThan(15);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);

  it('still serves a request sent promptly (the control)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('issuer metadata size limit', () => {
  let peer: Server;
  let base: string;
  let sentBytes = 0;
  let peerSawClose = false;
  const CHUNK = Buffer.alloc(64 * 1024, 0x20);
  const MAX_SENT = 64 * 1024 * 1024;

  beforeAll(async () => {
    peer = createServer((req, res) => {
      if (req.url === '/small') {
        const body = JSON.stringify({ id: `${base}/small` });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      // Chunked, no Content-Length: '[' then spaces, up to 64 MiB unless the client goes away.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const pump = () => {
        while (sentBytes < MAX_SENT && !res.destroyed) {
          sentBytes += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end(']');
      };
      res.on('close', () => (peerSawClose = true));
      pump();
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    peer.closeAllConnections();
    await new Promise((resolve) => peer.close(resolve));
  });

  it('reads a document under the limit (the control)', async () => {
    const result = await httpMetadataFetcher(`${base}/small`, undefined);
    expect(result).toMatchObject({ status: 200, body: { id: `${base}/small` } });
  });

  it('refuses chunked metadata past 1 MiB while it streams, and stops reading', async () => {
    const error = await httpMetadataFetcher(`${base}/huge`, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetadataError);
    expect((error as Error).message).toMatch(/too large/);
    // The client went away: the peer's connection closes long before its 64 MiB are sent.
    const deadline = Date.now() + 10_000;
    while (!peerSawClose && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(peerSawClose).toBe(true);
    expect(sentBytes).toBeLessThan(16 * 1024 * 1024);
  }, 60_000);
});
