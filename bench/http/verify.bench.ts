/**
 * `npm run bench:http`: how fast the verifier serves `POST /v1/verify` over HTTP, next to what one
 * core does in-process.
 *
 * 1. Starts the server as a child process (`node --import tsx src/server/main.ts`) on 127.0.0.1 with
 *    an in-memory embedded database, PRIVID_VERIFY_WORKERS = cores.
 * 2. Sets it up through its API: a venue, and a trusted issuer pinned to a key made here.
 * 3. Pre-builds valid presentations with the holder SDK's Wallet (credentials issued in-process with
 *    privid/credential's issuance profile), each answering its own request (a negative COVID test,
 *    `testResult eq negative`, `validUntil gte today`: one item, one BBS proof with a pseudonym).
 * 4. Measures the in-process rate of privid/verifier's verifyPresentation for one of them, on one
 *    thread (the same call the workers make; a pairing-bound ProofVerifyWithNym dominates it).
 * 5. Drives `POST /v1/verify` with autocannon at 1, 2, 4, 8, 16 and 32 connections (10 s each after a
 *    warm-up), then with an open-loop paced load at 70% of the peak rate (uniform, then Poisson
 *    arrivals; see `paced`) to read the latency there.
 *
 * Prints requests/s, p50/p99 latency, errors and non-2xx per step, and the efficiency ratio
 * = HTTP verifications per second / (cores × in-process rate), where the in-process rate verifies
 * one presentation at a time and the server batches what queues (PRIVID_VERIFY_BATCH, one combined
 * pairing check per batch). Targets: ratio ≥ 1.6 at the peak; p99 ≤ 3 × p50 at 70% of the peak;
 * no errors. The same gain on CPU time (in-process CPU ms ÷ server CPU ms per request at the peak)
 * is printed next to it: it holds still when other load on the machine moves the wall-clock rates. The server's CPU time per request (main thread and workers, from
 * /proc) is printed too: on a shared machine it shows the overhead even when wall-clock rates move
 * with the other load. Options: --quick (3 s steps), --json FILE (write the results), --batch N.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import autocannon, { type Result } from 'autocannon';

import { keyGen, skToPk } from '../../src/bbs/index.js';
import {
  builtinSchemaRegistry,
  FORMAT_TYPES,
  issueCredential,
  type CredentialOffer,
  type Presentation,
  type PresentationRequest,
} from '../../src/credential/index.js';
import { Wallet, type Transport } from '../../src/holder/index.js';
import { TrustIndex, verifyPresentation } from '../../src/verifier/index.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const JSON_OUT = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const STEP_SECONDS = QUICK ? 3 : 10;
/** --batch N sets PRIVID_VERIFY_BATCH (1: one job per worker message, the behaviour before batching). */
const BATCH = args.includes('--batch') ? args[args.indexOf('--batch') + 1] : undefined;
const CONCURRENCIES = [1, 2, 4, 8, 16, 32];
const PRESENTATIONS = 32;
const CORES = availableParallelism();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MS_PER_DAY = 86_400_000;

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system, every thread) a process has used so far; NaN where /proc is missing. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
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

/** Starts `src/server/main.ts` and resolves with its admin token once it listens. */
async function startServer(port: number): Promise<{ child: ChildProcess; adminToken: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: 'pglite:memory',
      PRIVID_DATA_DIR: `/tmp/privid-bench-${port}`,
      PRIVID_KEK: randomBytes(32).toString('base64'),
      PRIVID_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PRIVID_ROLES: 'verifier',
      PRIVID_LOG_LEVEL: 'warn',
      PRIVID_VERIFY_WORKERS: String(CORES),
      // Deep enough that 32 connections never see 429: backpressure is not what is measured here.
      PRIVID_VERIFY_QUEUE: '1024',
      ...(BATCH !== undefined ? { PRIVID_VERIFY_BATCH: BATCH } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 180_000); // generous: tsx and the embedded database start slowly on a loaded machine
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const token = /\b(adm_[A-Za-z0-9_-]{43})\b/.exec(output)?.[1];
      if (token && output.includes('Use it as')) {
        clearTimeout(timer);
        resolve({ child, adminToken: token });
      }
    });
  });
}

async function call<T>(base: string, method: string, path: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** A lab in this process: one key, credentials issued with the real issuance profile. */
function benchIssuer() {
  const suite = 'BLS12-381-SHA-256' as const;
  const secretKey = keyGen({ ciphersuite: suite, keyMaterial: randomBytes(32) });
  const publicKey = skToPk({ ciphersuite: suite, secretKey });
  const issuerId = `https://bench-lab.example/v1/issuers/${randomUUID()}`;
  const kid = `ik_${randomBytes(12).toString('base64url')}`;
  const schemas = builtinSchemaRegistry();
  const today = Math.floor(Date.now() / MS_PER_DAY);
  const transport: Transport = {
    redeem: async (offer, request) =>
      issueCredential({
        ciphersuite: suite,
        secretKey,
        publicKey,
        schema: schemas.require(offer.schemaRef),
        issuerId,
        keyId: kid,
        validFrom: today,
        validUntil: today + 1,
        attributes: { testResult: 'negative', testType: 'pcr', sampleDay: today },
        request,
      }),
    issuerMetadata: async () => ({
      keys: [
        {
          kid,
          suite,
          status: 'active',
          jwk: { kty: 'OKP', crv: 'Bls12381G2', x: Buffer.from(publicKey).toString('base64url') },
        },
      ],
    }),
  };
  const offer = (): CredentialOffer => ({
    type: 'privid/credential-offer',
    v: 1,
    issuerId,
    issuerUrl: 'https://bench-lab.example',
    offerId: randomBytes(12).toString('base64url'),
    code: randomBytes(16).toString('base64url'),
    schemaRef: 'privid:covid-test-result@1',
    keyId: kid,
    suite,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  return { suite, publicKey, issuerId, kid, transport, offer, today };
}

/**
 * An open-loop load at a fixed mean rate: request i is scheduled at its own time (uniform spacing,
 * or Poisson arrivals) whatever the earlier ones do, and its latency runs from that scheduled time, so
 * a slow server cannot hide its queueing (no coordinated omission). autocannon's `overallRate` is not
 * used for this: it lets each connection send its whole per-second quota at each second boundary,
 * which measures bursts of a second's worth of requests rather than a steady load.
 */
async function paced(
  url: string,
  headers: Record<string, string>,
  bodies: readonly string[],
  rate: number,
  seconds: number,
  arrivals: 'uniform' | 'poisson',
): Promise<{ latencies: number[]; errors: number; non2xx: number; duration: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now() + 50;
  let at = start;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    at += arrivals === 'uniform' ? 1000 / rate : -Math.log(1 - Math.random()) * (1000 / rate);
    const scheduled = at;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      fetch(url, { method: 'POST', headers, body: bodies[i % bodies.length] })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status < 200 || response.status > 299) non2xx++;
          latencies.push(performance.now() - scheduled);
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(inFlight);
  return { latencies, errors, non2xx, duration: (performance.now() - start) / 1000 };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Step {
  label: string;
  connections: number;
  /** Server CPU milliseconds (main thread and workers) per answered request. */
  cpuMsPerRequest: number;
  /** The machine's 1-minute load average after the step (other processes compete for the cores). */
  load: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

function stepOf(label: string, connections: number, result: Result, cpuSeconds: number): Step {
  return {
    label,
    connections,
    cpuMsPerRequest: (cpuSeconds * 1000) / Math.max(1, result.requests.total),
    load: loadavg()[0]!,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

async function main(): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  log(
    `bench:http: ${CORES} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const { child, adminToken } = await startServer(port);
  try {
    // Set up through the API: a venue, and trust in the bench's issuer key.
    const lab = benchIssuer();
    const venue = await call<{ venue: { verifierId: string }; key: string }>(
      base,
      'POST',
      '/v1/admin/venues',
      adminToken,
      {
        name: 'Bench Venue',
      },
    );
    await call(base, 'POST', '/v1/admin/trusted-issuers', adminToken, {
      issuerId: lab.issuerId,
      label: 'Bench Lab',
      keys: [
        { kid: lab.kid, jwk: { kty: 'OKP', crv: 'Bls12381G2', x: Buffer.from(lab.publicKey).toString('base64url') } },
      ],
    });

    // Presentations from the holder SDK, each answering its own request.
    const wallet = new Wallet({ transport: lab.transport });
    await wallet.acceptOffer(lab.offer());
    const pairs: { request: PresentationRequest; presentation: Presentation }[] = [];
    for (let i = 0; i < PRESENTATIONS; i++) {
      const request: PresentationRequest = {
        type: FORMAT_TYPES.presentationRequest,
        v: 1,
        requestId: randomUUID(),
        nonce: randomBytes(32).toString('base64url'),
        verifierId: venue.venue.verifierId,
        verifierName: 'Bench Venue',
        expiresAt: Math.floor(Date.now() / 1000) + 3 * 3600,
        groups: [
          {
            anyOf: [
              {
                schemaRef: 'privid:covid-test-result@1',
                issuers: [{ issuerId: lab.issuerId }],
                disclose: [],
                constraints: [
                  { attribute: 'testResult', op: 'eq', value: 'negative' },
                  { attribute: 'validUntil', op: 'gte', value: 'today' },
                ],
              },
            ],
          },
        ],
      };
      pairs.push({ request, presentation: await wallet.present(request, { today: lab.today }) });
    }
    const bodies = pairs.map((pair) => JSON.stringify(pair));
    log(`presentations: ${PRESENTATIONS}, ${bodies[0]!.length} bytes of JSON each (request + presentation)`);

    // The in-process rate: verifyPresentation on one thread, as a worker runs it.
    const trust = new TrustIndex({
      type: 'privid/trust-list',
      v: 1,
      issuers: [
        {
          issuerId: lab.issuerId,
          keys: [
            {
              kid: lab.kid,
              suite: lab.suite,
              publicKey: Buffer.from(lab.publicKey).toString('base64url'),
              status: 'active',
            },
          ],
        },
      ],
    });
    const one = pairs[0]!;
    const verifyOnce = () => {
      const result = verifyPresentation(one.presentation, one.request, trust, {
        today: lab.today,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      if (!result.accepted)
        throw new Error(`the bench presentation does not verify: ${JSON.stringify(result.reasons)}`);
    };
    const until = (ms: number) => performance.now() + ms;
    for (const end = until(1000); performance.now() < end;) verifyOnce();
    let count = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const end = until(QUICK ? 2000 : 5000); performance.now() < end; count++) verifyOnce();
    const inProcessRate = count / ((performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpuStarted);
    const inProcessCpuMs = (cpu.user + cpu.system) / 1000 / count;
    log(
      `in-process verifyPresentation: ${inProcessRate.toFixed(1)}/s on one thread (${(1000 / inProcessRate).toFixed(2)} ms wall, ${inProcessCpuMs.toFixed(2)} ms CPU each)`,
    );

    // The HTTP answer is the same as in-process.
    const check = await call<{ accepted: boolean }>(base, 'POST', '/v1/verify', venue.key, one);
    if (!check.accepted) throw new Error('POST /v1/verify does not accept the bench presentation');

    const pid = child.pid!;
    // autocannon stops at the deadline with requests still queued at the server: let them drain
    // (and count their CPU) before the next step starts.
    const drain = () => new Promise((resolve) => setTimeout(resolve, 1500));
    const measure = async (label: string, connections: number, duration: number) => {
      const cpuBefore = processCpuSeconds(pid);
      const result = await run(connections, duration);
      await drain();
      return stepOf(label, connections, result, processCpuSeconds(pid) - cpuBefore);
    };
    const run = async (connections: number, duration: number) =>
      autocannon({
        url: `${base}/v1/verify`,
        connections,
        duration,
        timeout: 30,
        method: 'POST',
        headers: { authorization: `Bearer ${venue.key}`, 'content-type': 'application/json' },
        requests: bodies.map((body) => ({ method: 'POST', path: '/v1/verify', body })),
      });

    log(`warm-up: 3 s at 8 connections`);
    await run(8, 3);
    await drain();
    log(
      'HTTP steps (efficiency = req/s ÷ (cores × in-process rate); CPU efficiency = in-process CPU ms ÷ server CPU ms per request):',
    );
    const steps: Step[] = [];
    for (const connections of CONCURRENCIES) {
      const step = await measure(`${connections} connections`, connections, STEP_SECONDS);
      steps.push(step);
      log(
        `  ${step.label.padEnd(16)} ${step.rps.toFixed(1).padStart(7)} req/s  p50 ${String(step.p50).padStart(5)} ms  p99 ${String(step.p99).padStart(5)} ms  errors ${step.errors}  non-2xx ${step.non2xx}  server CPU ${step.cpuMsPerRequest.toFixed(1)} ms/req  load ${step.load.toFixed(2)}`,
      );
    }
    const peak = steps.reduce((best, step) => (step.rps > best.rps ? step : best));
    const rate70 = Math.max(1, Math.round(peak.rps * 0.7));
    const pacedSteps: Step[] = [];
    for (const arrivals of ['uniform', 'poisson'] as const) {
      const cpuBefore = processCpuSeconds(pid);
      const result = await paced(
        `${base}/v1/verify`,
        { authorization: `Bearer ${venue.key}`, 'content-type': 'application/json' },
        bodies,
        rate70,
        STEP_SECONDS,
        arrivals,
      );
      const cpuSeconds = processCpuSeconds(pid) - cpuBefore;
      const sorted = [...result.latencies].sort((a, b) => a - b);
      const step: Step = {
        label: `70% of peak, ${arrivals} (${rate70}/s)`,
        connections: 0,
        cpuMsPerRequest: (cpuSeconds * 1000) / Math.max(1, sorted.length),
        load: loadavg()[0]!,
        rps: sorted.length / result.duration,
        p50: Math.round(percentile(sorted, 50)),
        p99: Math.round(percentile(sorted, 99)),
        errors: result.errors,
        non2xx: result.non2xx,
        requests: sorted.length,
      };
      pacedSteps.push(step);
      log(
        `  ${step.label.padEnd(16)} ${step.rps.toFixed(1).padStart(7)} req/s  p50 ${String(step.p50).padStart(5)} ms  p99 ${String(step.p99).padStart(5)} ms  errors ${step.errors}  non-2xx ${step.non2xx}  server CPU ${step.cpuMsPerRequest.toFixed(1)} ms/req  load ${step.load.toFixed(2)}`,
      );
    }
    const at70 = pacedSteps[0]!;
    const efficiency = (rps: number) => rps / (CORES * inProcessRate);
    const allErrors = [...steps, ...pacedSteps].reduce((sum, s) => sum + s.errors + s.non2xx, 0);
    log();
    log(
      '| connections | req/s | p50 ms | p99 ms | errors | non-2xx | efficiency | server CPU ms/req | CPU efficiency | load |',
    );
    log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of [...steps, ...pacedSteps]) {
      log(
        `| ${s.label.replace(' connections', '')} | ${s.rps.toFixed(1)} | ${s.p50} | ${s.p99} | ${s.errors} | ${s.non2xx} | ${efficiency(s.rps).toFixed(2)} | ${s.cpuMsPerRequest.toFixed(1)} | ${(inProcessCpuMs / s.cpuMsPerRequest).toFixed(2)} | ${s.load.toFixed(2)} |`,
      );
    }
    log();
    log(
      `in-process rate: ${inProcessRate.toFixed(1)}/s per core × ${CORES} cores = ${(inProcessRate * CORES).toFixed(1)}/s`,
    );
    log(
      `peak: ${peak.rps.toFixed(1)} req/s at ${peak.connections} connections → efficiency ${efficiency(peak.rps).toFixed(2)} (target ≥ 1.6 with batching): ${efficiency(peak.rps) >= 1.6 ? 'met' : 'NOT met'}`,
    );
    log(
      `peak on CPU time: in-process ${inProcessCpuMs.toFixed(1)} ms ÷ server ${peak.cpuMsPerRequest.toFixed(1)} ms per request = ${(inProcessCpuMs / peak.cpuMsPerRequest).toFixed(2)}x`,
    );
    log(
      `at 70% of peak: p99/p50 = ${(at70.p99 / at70.p50).toFixed(2)} (target ≤ 3): ${at70.p99 <= 3 * at70.p50 ? 'met' : 'NOT met'}`,
    );
    log(`errors and non-2xx: ${allErrors} (target 0): ${allErrors === 0 ? 'met' : 'NOT met'}`);
    if (JSON_OUT) {
      await writeFile(
        JSON_OUT,
        JSON.stringify(
          {
            cores: CORES,
            cpu: cpus()[0]?.model,
            node: process.version,
            inProcessRate,
            inProcessCpuMs,
            steps,
            paced: pacedSteps,
            at70,
          },
          null,
          2,
        ),
      );
      log(`wrote ${JSON_OUT}`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:http: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
