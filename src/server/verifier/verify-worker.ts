/**
 * A verification worker thread (see pool.ts): keeps the latest trust list it was sent and verifies
 * the batches of jobs it is sent, one batch at a time, with one combined pairing check per batch
 * (engine.ts runVerificationBatch). Nothing is logged here: jobs carry proofs and disclosed values.
 */
import { parentPort } from 'node:worker_threads';
import { runVerificationBatch, type TrustListSnapshot } from './engine.js';
import type { WorkerRequest, WorkerResponse } from './pool.js';

const port = parentPort;
if (!port) throw new Error('verify-worker must run in a worker thread');

let trust: TrustListSnapshot | undefined;

port.on('message', (message: WorkerRequest | { type: 'ping' }) => {
  switch (message.type) {
    case 'ping':
      port.postMessage({ type: 'ready' } satisfies WorkerResponse);
      return;
    case 'trust':
      trust = message.trust;
      return;
    case 'verify': {
      let response: WorkerResponse;
      try {
        if (!trust) throw new Error('no trust list yet');
        response = { type: 'result', ...runVerificationBatch(message.jobs, trust) };
      } catch (error) {
        response = { type: 'error', message: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(response);
      return;
    }
  }
});
