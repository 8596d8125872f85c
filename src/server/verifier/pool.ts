/**
 * Proof verification off the event loop: a pool of worker threads (PRIVID_VERIFY_WORKERS, by
 * default one per core) with a bounded queue (PRIVID_VERIFY_QUEUE). A caller first takes a ticket
 * (`admit`), which fails at once with 429 OVERLOADED and Retry-After when the workers are busy and
 * the queue is full, so that a presentation request is never consumed for a verification that
 * cannot run. With 0 workers verification runs inline on the main thread (tests, tiny deployments).
 *
 * Batching: a worker that becomes free takes the jobs queued meanwhile (up to `maxBatch`, shared
 * with the other idle workers) and verifies them with one combined pairing check (engine.ts
 * runVerificationBatch), which costs a fraction of separate checks. Nothing waits to form a batch:
 * a job that finds an idle worker is sent at once, alone, so an idle server adds no latency;
 * batches form only from jobs that had to queue behind busy workers anyway.
 *
 * A batch whose combined check fails costs more than its jobs verified one by one: the bisection
 * that finds the bad proofs, then each bad job again alone (measured: 16 forged proofs that pass
 * every check but the pairing, 2.4-2.6x the CPU of 16 single verifications). Anyone can make such
 * proofs, without a credential. So the batch size adapts: it halves after a batch with a failing
 * proof and doubles back (up to maxBatch) only after maxBatch jobs in a row without one. A flood of
 * forgeries then meets batches of one or two, which cost what single verification costs, while
 * honest traffic keeps full batches.
 *
 * The workers hold the current trust list: it is sent to a worker (once per trust-list version)
 * before the next job, and messages to a worker arrive in order, so every job sees the trust list
 * that was current when it was dispatched.
 *
 * Workers run from src under tsx (the .ts worker is loaded with `--import tsx`) and from compiled
 * JavaScript alike. A worker that dies fails its batch (500) and is replaced.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import { runVerification, type TrustListSnapshot, type VerifyJob, type VerifyOutcome } from './engine.js';

export interface TrustSource {
  /** Increases whenever the trust list changes. */
  readonly version: number;
  current(): TrustListSnapshot;
}

export interface VerifyPoolOptions {
  /** Worker threads; 0 verifies inline. */
  readonly workers: number;
  /** Jobs that may wait for a worker. */
  readonly queueLimit: number;
  /** Most jobs sent to a worker at once (default DEFAULT_MAX_BATCH); 1 disables batching. */
  readonly maxBatch?: number;
  readonly trust: TrustSource;
  readonly onWorkerError?: (message: string) => void;
}

interface Pending {
  readonly job: VerifyJob;
  readonly resolve: (outcome: VerifyOutcome) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  trustVersion: number;
  /** The batch the worker is verifying, if any. */
  busy: Pending[] | undefined;
  spawnedAt: number;
  dead: boolean;
}

export type WorkerRequest =
  | { readonly type: 'trust'; readonly trust: TrustListSnapshot }
  | { readonly type: 'verify'; readonly jobs: readonly VerifyJob[] };

export type WorkerResponse =
  | { readonly type: 'result'; readonly outcomes: readonly VerifyOutcome[]; readonly failed: number }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'ready' };

/**
 * Where the worker script is: verify-worker.js next to a compiled pool.js; from TypeScript sources
 * (tsx, vitest) a small .mjs bootstrap that registers tsx in the worker thread first (Node 20 does
 * not pass the parent's loader hooks, or `--import tsx` in execArgv, on to workers).
 */
export function workerEntry(): URL {
  const ext = extname(fileURLToPath(import.meta.url));
  return ext === '.ts'
    ? new URL('./verify-worker-tsx.mjs', import.meta.url)
    : new URL('./verify-worker.js', import.meta.url);
}

/**
 * Most jobs per batch. Past about 16 the shared pairing is already a small part of each job's
 * cost, while a larger batch makes its first job wait longer for its answer.
 */
export const DEFAULT_MAX_BATCH = 16;

export class VerifyPool {
  readonly size: number;
  readonly queueLimit: number;
  readonly maxBatch: number;
  readonly #trust: TrustSource;
  readonly #onWorkerError: (message: string) => void;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  /** Tickets handed out and not yet run or cancelled. */
  #reserved = 0;
  #closed = false;
  #inlineTrustVersion = -1;
  #inlineTrust: TrustListSnapshot | undefined;
  #completed = 0;
  #batches = 0;
  /** The batch size now: maxBatch, less after batches with failing proofs (see above). */
  #batchLimit: number;
  /** Jobs verified in batches without a failing proof since the last change of #batchLimit. */
  #cleanRun = 0;

  constructor(options: VerifyPoolOptions) {
    this.size = options.workers;
    this.queueLimit = options.queueLimit;
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? DEFAULT_MAX_BATCH));
    this.#batchLimit = this.maxBatch;
    this.#trust = options.trust;
    this.#onWorkerError = options.onWorkerError ?? (() => undefined);
    for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn());
  }

  /** Waits until every worker has loaded (for benchmarks and tests that time verification). */
  async ready(): Promise<void> {
    await Promise.all(
      this.#slots.map(
        (slot) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (message: WorkerResponse) => {
              if (message.type !== 'ready') return;
              slot.worker.off('message', onMessage).off('error', reject);
              if (!slot.busy) slot.worker.unref();
              resolve();
            };
            slot.worker.on('message', onMessage).once('error', reject);
            slot.worker.ref();
            slot.worker.postMessage({ type: 'ping' });
          }),
      ),
    );
  }

  /** Verifications run to completion since the start (for tests and metrics). */
  get completed(): number {
    return this.#completed;
  }

  /** Batches sent to workers since the start (each of 1..maxBatch jobs; for tests and metrics). */
  get batches(): number {
    return this.#batches;
  }

  /** Most jobs the next batch may take (between 1 and maxBatch; for tests and metrics). */
  get batchLimit(): number {
    return this.#batchLimit;
  }

  /** Jobs running or waiting, plus tickets not yet used. */
  get load(): number {
    let running = 0;
    for (const slot of this.#slots) running += slot.busy?.length ?? 0;
    return running + this.#queue.length + this.#reserved;
  }

  /**
   * A ticket for one verification, or 429 OVERLOADED (with Retry-After) when the workers are busy
   * and PRIVID_VERIFY_QUEUE jobs already wait. Run the job with ticket.run, or give the place back
   * with ticket.cancel.
   */
  admit(): Ticket {
    if (this.#closed) throw new ApiError('UNAVAILABLE', 'the verifier is shutting down');
    if (this.size > 0 && this.load >= this.size + this.queueLimit) {
      throw new ApiError('OVERLOADED', 'too many verifications in progress, retry shortly', { retryAfter: 1 });
    }
    this.#reserved++;
    let used = false;
    const release = () => {
      if (used) return false;
      used = true;
      this.#reserved--;
      return true;
    };
    return {
      run: (job) => {
        if (!release()) throw new Error('ticket already used');
        return this.#run(job);
      },
      cancel: () => {
        release();
      },
    };
  }

  /** Admits and runs one job. */
  verify(job: VerifyJob): Promise<VerifyOutcome> {
    return this.admit().run(job);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new ApiError('UNAVAILABLE', 'the verifier stopped'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #run(job: VerifyJob): Promise<VerifyOutcome> {
    if (this.size === 0) {
      if (this.#inlineTrustVersion !== this.#trust.version || !this.#inlineTrust) {
        this.#inlineTrust = this.#trust.current();
        this.#inlineTrustVersion = this.#trust.version;
      }
      try {
        const outcome = runVerification(job, this.#inlineTrust);
        this.#completed++;
        return Promise.resolve(outcome);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return new Promise<VerifyOutcome>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.busy || slot.dead) continue;
      // Share what is queued among the idle workers, so that a burst keeps every core busy.
      const idle = this.#slots.filter((s) => !s.busy && !s.dead).length;
      const take = Math.min(this.#batchLimit, Math.ceil(this.#queue.length / idle));
      const batch = this.#queue.splice(0, take);
      slot.busy = batch;
      this.#batches++;
      // A worker with a job keeps the process alive; an idle one does not.
      slot.worker.ref();
      if (slot.trustVersion !== this.#trust.version) {
        slot.trustVersion = this.#trust.version;
        slot.worker.postMessage({ type: 'trust', trust: this.#trust.current() } satisfies WorkerRequest);
      }
      slot.worker.postMessage({ type: 'verify', jobs: batch.map((pending) => pending.job) } satisfies WorkerRequest);
    }
  }

  /** Halves the batch size after a batch with failing proofs; doubles it after maxBatch clean jobs. */
  #adapt(jobs: number, failed: number): void {
    if (failed > 0) {
      this.#batchLimit = Math.max(1, Math.floor(this.#batchLimit / 2));
      this.#cleanRun = 0;
      return;
    }
    this.#cleanRun += jobs;
    if (this.#cleanRun >= this.maxBatch && this.#batchLimit < this.maxBatch) {
      this.#batchLimit = Math.min(this.maxBatch, this.#batchLimit * 2);
      this.#cleanRun = 0;
    }
  }

  #spawn(): Slot {
    const worker = new Worker(workerEntry());
    const slot: Slot = { worker, trustVersion: -1, busy: undefined, spawnedAt: Date.now(), dead: false };
    worker.on('message', (message: WorkerResponse) => {
      if (message.type === 'ready') return;
      const batch = slot.busy ?? [];
      slot.busy = undefined;
      worker.unref();
      if (message.type === 'result') this.#adapt(batch.length, message.failed);
      batch.forEach((pending, i) => {
        this.#completed++;
        const outcome = message.type === 'result' ? message.outcomes[i] : undefined;
        if (outcome) pending.resolve(outcome);
        else {
          const why = message.type === 'error' ? message.message : 'no outcome for this job';
          pending.reject(new Error(`verification failed in a worker: ${why}`));
        }
      });
      this.#dispatch();
    });
    worker.on('error', (error) => this.#onWorkerError(error.message));
    worker.on('exit', () => {
      slot.dead = true;
      const batch = slot.busy ?? [];
      slot.busy = undefined;
      for (const pending of batch) pending.reject(new Error('a verification worker stopped'));
      if (this.#closed) return;
      const respawn = () => {
        if (this.#closed) return;
        const index = this.#slots.indexOf(slot);
        if (index >= 0) this.#slots[index] = this.#spawn();
        this.#dispatch();
      };
      // A worker that dies right after starting (a broken install) is retried once a second, not in a loop.
      if (Date.now() - slot.spawnedAt < 1000) setTimeout(respawn, 1000).unref();
      else respawn();
    });
    worker.unref();
    return slot;
  }
}

export interface Ticket {
  run(job: VerifyJob): Promise<VerifyOutcome>;
  cancel(): void;
}

/** PRIVID_VERIFY_WORKERS' default. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}
