/**
 * A loop over one privid operation, to run under the V8 profiler:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/privid-prof --import tsx bench/profile.ts proofVerify
 *   npx tsx bench/cpuprofile-summary.ts /tmp/privid-prof/<largest file>.cpuprofile --root proofVerify
 *
 * Arguments: operation (keyGen | sign | verify | proofGen | proofVerify | itemProve | itemVerify,
 * default proofVerify), then optionally `--suite BLS12-381-SHAKE-256`, `--messages 10`,
 * `--disclosed 3`, `--seconds 5`; for the item operations (a presentation item of
 * predicates-item.ts) `--predicates 0|1|2`.
 * Setup (keys, signature, proof, generator and key caches) is warmed up before the timed loop, so
 * the profile is dominated by the steady state a server sees. (tsx's loader runs in a worker,
 * which writes a second, smaller profile: use the largest file.)
 */
import { randomBytes } from 'node:crypto';
import {
  CIPHERSUITE_NAMES,
  keyGen,
  proofGen,
  proofVerify,
  sign,
  skToPk,
  verify,
  type CiphersuiteName,
} from '../src/bbs/index.js';
import { formatMs, summarize, timeOnce, warmUp } from './harness.js';
import { prividItems } from './predicates-item.js';

// Only privid is loaded (not bench/implementations.ts), so that the peers' module loading and
// WASM compilation stay out of the profile.
const OPERATIONS = ['keyGen', 'sign', 'verify', 'proofGen', 'proofVerify', 'itemProve', 'itemVerify'] as const;
type Operation = (typeof OPERATIONS)[number];

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const op = (args.find((a) => (OPERATIONS as readonly string[]).includes(a)) ?? 'proofVerify') as Operation;
const ciphersuite = option('suite', 'BLS12-381-SHA-256') as CiphersuiteName;
if (!CIPHERSUITE_NAMES.includes(ciphersuite)) throw new Error(`unknown suite ${ciphersuite}`);
const messageCount = Number(option('messages', '10'));
const disclosedCount = Number(option('disclosed', '3'));
const seconds = Number(option('seconds', '5'));

const step = Math.floor(messageCount / Math.max(disclosedCount, 1));
const messages = Array.from({ length: messageCount }, () => new Uint8Array(randomBytes(32)));
const disclosedIndexes = Array.from({ length: disclosedCount }, (_, i) => i * step);
const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
const header = new Uint8Array(randomBytes(16));
const presentationHeader = new Uint8Array(randomBytes(32));
const keyMaterials = Array.from({ length: 64 }, () => new Uint8Array(randomBytes(32)));
const secretKey = keyGen({ ciphersuite, keyMaterial: keyMaterials[0]! });
const publicKey = skToPk({ ciphersuite, secretKey });
const signature = sign({ ciphersuite, secretKey, publicKey, header, messages });
const proofParams = { ciphersuite, publicKey, signature, header, presentationHeader, messages, disclosedIndexes };
const proof = proofGen(proofParams);
const proofVerifyParams = {
  ciphersuite,
  publicKey,
  proof,
  header,
  presentationHeader,
  disclosedMessages,
  disclosedIndexes,
};
if (!verify({ ciphersuite, publicKey, signature, header, messages }) || !proofVerify(proofVerifyParams)) {
  throw new Error('setup: signature or proof does not verify');
}
const item = (await prividItems())[Number(option('predicates', '2'))]!;
const itemProof = item.prove();
let next = 0;
const ops: Record<Operation, () => unknown> = {
  keyGen: () => skToPk({ ciphersuite, secretKey: keyGen({ ciphersuite, keyMaterial: keyMaterials[next++ % 64]! }) }),
  sign: () => sign({ ciphersuite, secretKey, publicKey, header, messages }),
  verify: () => verify({ ciphersuite, publicKey, signature, header, messages }),
  proofGen: () => proofGen(proofParams),
  proofVerify: () => proofVerify(proofVerifyParams),
  itemProve: () => item.prove(),
  itemVerify: () => item.verify(itemProof),
};
await warmUp(ops[op], { minIterations: 5, minMs: 500, maxIterations: 200 });

const samples: number[] = [];
const end = performance.now() + seconds * 1000;
while (performance.now() < end) samples.push((await timeOnce(ops[op])).wall);
const stats = summarize(samples);
console.log(
  `privid ${ciphersuite} ${op}, ${messageCount} messages / ${disclosedCount} disclosed: ` +
    `${stats.samples} calls, median ${formatMs(stats.median)} ms (p25 ${formatMs(stats.p25)}, p75 ${formatMs(stats.p75)})`,
);
