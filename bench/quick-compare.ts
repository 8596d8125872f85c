/**
 * A short CPU-time comparison of privid SHA-256 and pairing-crypto on proofGen and proofVerify
 * (10/3 and 30/10), interleaved, for iterating on one lever at a time (`npm run bench` is the
 * full run): npx tsx bench/quick-compare.ts [--rounds 5] [--ops proofVerify,proofGen]
 */
import { randomBytes } from 'node:crypto';
import { IMPLEMENTATIONS, type Operation, type Operations } from './implementations.js';
import { summarize, timeOnce, warmUp } from './harness.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const rounds = Number(opt('rounds', '5'));
const ops = opt('ops', 'proofVerify,proofGen').split(',') as Operation[];
const ids = ['privid-BLS12-381-SHA-256', 'pairing-crypto'];
const scenarios = [
  [10, 3],
  [30, 10],
] as const;

for (const [n, d] of scenarios) {
  const step = Math.floor(n / d);
  const workload = {
    messages: Array.from({ length: n }, () => new Uint8Array(randomBytes(32))),
    disclosedIndexes: Array.from({ length: d }, (_, i) => i * step),
    header: new Uint8Array(randomBytes(16)),
    presentationHeader: new Uint8Array(randomBytes(32)),
    keyMaterials: Array.from({ length: 8 }, () => new Uint8Array(randomBytes(32))),
  };
  const prepared: [string, Operations][] = [];
  for (const id of ids) prepared.push([id, await IMPLEMENTATIONS.find((i) => i.id === id)!.prepare(workload)]);
  for (const op of ops) {
    const cpu: Record<string, number[]> = {};
    for (const [id, o] of prepared) {
      await warmUp(o[op], { minIterations: 3, minMs: 100, maxIterations: 30 });
      cpu[id] = [];
    }
    for (let r = 0; r < rounds; r++) {
      for (const [id, o] of prepared) for (let k = 0; k < 4; k++) cpu[id]!.push((await timeOnce(o[op])).cpu);
    }
    const [a, b] = ids.map((id) => summarize(cpu[id]!).median);
    console.log(
      `${n}/${d} ${op}: privid ${a!.toFixed(2)} ms, pairing-crypto ${b!.toFixed(2)} ms, ratio ${(a! / b!).toFixed(3)}`,
    );
  }
}
