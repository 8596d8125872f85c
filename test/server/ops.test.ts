// Liveness and readiness on both databases, the 404 problem, the docs, and `npm start` itself:
// first start prints the URLs and a one-time admin token, a restart does not, SIGTERM stops it cleanly.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectProblem } from './support/api.js';
import { DB_KINDS, startIssuerServer, startTestServer, type TestServer } from './support/server.js';

describe.each(DB_KINDS)('ops routes on %s', (kind) => {
  let t: TestServer;
  let closed = false;
  beforeAll(async () => {
    t = await startIssuerServer(kind);
  });
  afterAll(async () => {
    if (!closed) await t?.close();
  });

  it('/readyz runs a real query: a table the server cannot read makes it 503, and ready again once back', async () => {
    const ready = async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
    expect(await ready()).toBe(200);
    await t.server.db.withSession((session) => session.exec('ALTER TABLE api_keys RENAME TO api_keys_away'));
    try {
      // SELECT 1 still answers: readiness must not.
      await expect(t.server.db.prisma.$queryRaw`SELECT 1 AS up`).resolves.toBeDefined();
      expect(await ready()).toBe(503);
    } finally {
      await t.server.db.withSession((session) => session.exec('ALTER TABLE api_keys_away RENAME TO api_keys'));
    }
    expect(await ready()).toBe(200);
  });

  it('answers /healthz and /readyz', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: kind });
  });

  it('answers unknown routes with a 404 problem, and serves the OpenAPI document and Swagger UI', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/v1/nope' }), 404, 'NOT_FOUND');
    const docs = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(docs.json().paths['/v1/offers']).toBeDefined();
    expect((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('answers /readyz 503 once the database is gone, while /healthz stays up', async () => {
    await t.server.db.close();
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expectProblem(ready, 503, 'UNAVAILABLE');
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    closed = true;
    await t.app.close();
    await t.database.drop();
  });
});

describe('PRIVID_ROLES', () => {
  // Which routes a role serves does not depend on the database: PostgreSQL only, it starts faster.
  it('serves only the ops routes and no issuer routes on a verifier-only instance', async () => {
    const t = await startTestServer('postgres', { env: { PRIVID_ROLES: 'verifier', PRIVID_VERIFY_WORKERS: '0' } });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      for (const url of ['/v1/offers', '/v1/admin/labs', '/v1/schemas']) {
        expectProblem(await t.app.inject({ method: 'GET', url }), 404, 'NOT_FOUND');
      }
    } finally {
      await t.close();
    }
  });
});

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `npm start`'s command until it has printed its banner; returns its output and a way to stop it. */
async function start(env: Record<string, string>) {
  // What `npm start` runs: one node process with tsx as a loader, so signals reach the server itself
  // (tsx's CLI would put a relaying parent process in between).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // A start takes over a minute on a loaded two-core machine.
  const deadline = Date.now() + 240_000;
  while (!stdout.includes('OpenAPI:') && Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}): ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!stdout.includes('OpenAPI:')) {
    child.kill('SIGKILL');
    throw new Error(`no banner: ${stdout} ${stderr}`);
  }
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

describe('npm start', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'privid-start-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the embedded database, prints the URLs and a one-time admin token, stops on SIGTERM', async () => {
    const port = String(20_000 + (process.pid % 20_000));
    const env = { PRIVID_DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1', PRIVID_LOG_LEVEL: 'warn' };
    const first = await start(env);
    const banner = first.stdout();
    expect(banner).toContain(`URL:         http://127.0.0.1:${port}`);
    expect(banner).toContain(`Swagger UI:  http://127.0.0.1:${port}/docs`);
    // The token goes to stderr as one plain, marked line; stdout (where the JSON log lines go, and what log
    // collectors read) never has it.
    for (let i = 0; i < 50 && !first.stderr().includes('PRIVID ADMIN TOKEN'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const token = /^PRIVID ADMIN TOKEN .*: (adm_[A-Za-z0-9_-]{43})$/m.exec(first.stderr())?.[1];
    expect(token, first.stderr()).toBeDefined();
    expect(banner).not.toMatch(/adm_/);
    expect(banner).toContain('PRIVID ADMIN TOKEN');
    // The KEK file's warning went through the logger (JSON on stdout), without the token.
    expect(banner).toMatch(/"level":40.*kek/i);

    const res = await fetch(`http://127.0.0.1:${port}/v1/admin/labs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await start({ ...env, PRIVID_KEK: '' });
    expect(second.stdout()).not.toMatch(/adm_/);
    const again = await fetch(`http://127.0.0.1:${port}/v1/admin/labs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(200);
    expect(await second.stop('SIGINT')).toBe(0);
  }, 600_000);

  it('refuses to start with invalid settings, saying which', async () => {
    // What `npm start` runs: one node process with tsx as a loader, so signals reach the server itself
    // (tsx's CLI would put a relaying parent process in between).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: root,
      env: { ...process.env, PRIVID_DATA_DIR: dataDir, PORT: 'eighty', PRIVID_KEK: randomBytes(32).toString('base64') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT must be an integer/);
  });
});
