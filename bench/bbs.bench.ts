/**
 * `npm run bench`: keyGen, sign, verify, proofGen and proofVerify for privid's BBS suites and
 * the peer libraries, at 10 messages / 3 disclosed and 30 messages / 10 disclosed, in one
 * process. Prints median milliseconds per operation and implementation, each peer's ratio to
 * privid SHA-256 ("3.2x" = 3.2 times privid's time), and the performance targets; once in CPU
 * time and once in wall-clock time (see harness.ts: CPU time is the stable one on a busy machine).
 *
 * Options: --quick (about a third of the samples), --json <file> (write every statistic).
 *
 * Method: all implementations are prepared and warmed up first; then samples are taken in
 * rounds that cycle through operations and implementations, so that a burst of load on the
 * machine lands on all of them rather than on one. The total is bounded (about 2-3 minutes on
 * 2 cores): past a deadline, remaining cells take only their minimum number of samples.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  emptySamples,
  formatMs,
  formatRatio,
  machineInfo,
  renderTable,
  sample,
  summarize,
  warmUp,
  type Clock,
  type SampleBudget,
  type Samples,
  type Stats,
} from './harness.js';
import { BATCH_SIZES, batchItems, batchTask } from './batch.js';
import { IMPLEMENTATIONS, OPERATIONS, type Operation, type Operations, type Workload } from './implementations.js';

interface Scenario {
  readonly messages: number;
  readonly disclosed: number;
}

const SCENARIOS: readonly Scenario[] = [
  { messages: 10, disclosed: 3 },
  { messages: 30, disclosed: 10 },
];
const MESSAGE_LENGTH = 32;
const HEADER_LENGTH = 16;
const PRESENTATION_HEADER_LENGTH = 32;
const BASELINE = 'privid-BLS12-381-SHA-256';
const PURE_JS_PEER = 'digitalbazaar';
const WASM_PEER = 'pairing-crypto';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonPath = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;

const ROUNDS = 3;
const WARM_UP = { minIterations: 3, minMs: quick ? 60 : 150, maxIterations: 50 };
const ROUND_BUDGET: SampleBudget = quick
  ? { minSamples: 2, maxSamples: 30, targetMs: 100, capMs: 400, floorSamples: 1 }
  : { minSamples: 4, maxSamples: 100, targetMs: 400, capMs: 1200, floorSamples: 2 };
const FLOOR_BUDGET: SampleBudget = { ...ROUND_BUDGET, minSamples: ROUND_BUDGET.floorSamples, targetMs: 0, capMs: 0 };
/** After this, every remaining cell only takes its floor of samples. */
const DEADLINE_MS = quick ? 60_000 : 150_000;

function scenarioName(s: Scenario): string {
  return `${s.messages} messages, ${s.disclosed} disclosed`;
}

/** Evenly spread disclosed indexes, e.g. 10/3 -> [0, 3, 6], 30/10 -> [0, 3, ..., 27]. */
function disclosedIndexes(s: Scenario): number[] {
  const step = Math.floor(s.messages / s.disclosed);
  return Array.from({ length: s.disclosed }, (_, i) => i * step);
}

function workload(s: Scenario): Workload {
  return {
    messages: Array.from({ length: s.messages }, () => new Uint8Array(randomBytes(MESSAGE_LENGTH))),
    disclosedIndexes: disclosedIndexes(s),
    header: new Uint8Array(randomBytes(HEADER_LENGTH)),
    presentationHeader: new Uint8Array(randomBytes(PRESENTATION_HEADER_LENGTH)),
    keyMaterials: Array.from({ length: 64 }, () => new Uint8Array(randomBytes(32))),
  };
}

/** implementation id -> operation -> statistics on each clock */
type Results = Map<string, Map<Operation, Record<Clock, Stats>>>;
/** batch size k -> statistics of one batchProofVerify call of k proofs, on each clock */
type BatchResults = Map<number, Record<Clock, Stats>>;
const CLOCKS: readonly Clock[] = ['cpu', 'wall'];
const CLOCK_NAMES: Record<Clock, string> = { cpu: 'CPU time', wall: 'wall-clock time' };

async function runScenario(s: Scenario, started: number): Promise<{ results: Results; batches: BatchResults }> {
  const w = workload(s);
  const prepared: [string, Operations][] = [];
  for (const impl of IMPLEMENTATIONS) prepared.push([impl.id, await impl.prepare(w)]);
  for (const [, ops] of prepared) for (const op of OPERATIONS) await warmUp(ops[op], WARM_UP);
  const items = batchItems(w, Math.max(...BATCH_SIZES));
  const batchTasks = BATCH_SIZES.map((k) => [k, batchTask(items, k)] as const);
  for (const [, task] of batchTasks) await warmUp(task, { ...WARM_UP, minIterations: 1 });
  const batchSamples = new Map<number, Samples>(BATCH_SIZES.map((k) => [k, emptySamples()]));
  const samples = new Map<string, Samples>();
  const key = (id: string, op: Operation) => `${id}|${op}`;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, task] of batchTasks) {
      const budget = performance.now() - started > DEADLINE_MS ? FLOOR_BUDGET : ROUND_BUDGET;
      await sample(task, budget, batchSamples.get(k)!);
    }
    for (const op of OPERATIONS) {
      for (const [id, ops] of prepared) {
        const budget = performance.now() - started > DEADLINE_MS ? FLOOR_BUDGET : ROUND_BUDGET;
        const into = samples.get(key(id, op)) ?? emptySamples();
        samples.set(key(id, op), into);
        await sample(ops[op], budget, into);
      }
    }
    process.stderr.write(`  ${scenarioName(s)}: round ${round + 1}/${ROUNDS} done\n`);
  }
  const results: Results = new Map();
  for (const [id] of prepared) {
    const byOp = new Map<Operation, Record<Clock, Stats>>();
    for (const op of OPERATIONS) {
      const taken = samples.get(key(id, op)) ?? emptySamples();
      byOp.set(op, { cpu: summarize(taken.cpu), wall: summarize(taken.wall) });
    }
    results.set(id, byOp);
  }
  const batches: BatchResults = new Map();
  for (const [k, taken] of batchSamples) batches.set(k, { cpu: summarize(taken.cpu), wall: summarize(taken.wall) });
  return { results, batches };
}

/** Milliseconds per proof in batches of k, with the ratio to pairing-crypto's single proofVerify. */
function batchTable(results: Results, batches: BatchResults, clock: Clock): string {
  const single = median(results, BASELINE, 'proofVerify', clock);
  const peer = median(results, WASM_PEER, 'proofVerify', clock);
  const rows = [...batches].map(([k, stats]) => {
    const perProof = stats[clock].median / k;
    return [
      `k = ${k}`,
      formatMs(perProof),
      formatRatio(perProof / single),
      formatRatio(perProof / peer),
      formatMs(stats[clock].median),
    ];
  });
  return renderTable(
    [`proofVerify batch, ${clock}`, 'ms per proof', 'vs privid single', 'vs pairing-crypto single', 'ms per batch'],
    rows,
    ['l', 'r', 'r', 'r', 'r'],
  );
}

function median(results: Results, id: string, op: Operation, clock: Clock): number {
  return results.get(id)?.get(op)?.[clock].median ?? Number.NaN;
}

function table(results: Results, clock: Clock): string {
  const headers = [`${clock} ms`, ...IMPLEMENTATIONS.map((impl) => impl.label)];
  const rows = OPERATIONS.map((op) => {
    const base = median(results, BASELINE, op, clock);
    return [
      op,
      ...IMPLEMENTATIONS.map((impl) => {
        const m = median(results, impl.id, op, clock);
        return impl.id === BASELINE ? formatMs(m) : `${formatMs(m)} (${formatRatio(m / base)})`;
      }),
    ];
  });
  return renderTable(headers, rows, ['l', ...IMPLEMENTATIONS.map(() => 'r' as const)]);
}

function spread(results: Results, clock: Clock): string {
  let minSamples = Infinity;
  let maxSamples = 0;
  let worst = { iqr: 0, where: '' };
  for (const [id, byOp] of results) {
    for (const [op, byClock] of byOp) {
      const stats = byClock[clock];
      minSamples = Math.min(minSamples, stats.samples);
      maxSamples = Math.max(maxSamples, stats.samples);
      const iqr = (stats.p75 - stats.p25) / stats.median;
      if (iqr > worst.iqr) worst = { iqr, where: `${id} ${op}` };
    }
  }
  return (
    `samples per cell: ${minSamples}-${maxSamples}; ` +
    `widest interquartile range: ${(worst.iqr * 100).toFixed(0)}% of the median (${worst.where})`
  );
}

interface TargetResult {
  readonly scenario: string;
  readonly description: string;
  readonly limit: number;
  /** privid's median / the peer's median, per clock. */
  readonly ratio: Record<Clock, number>;
  readonly met: Record<Clock, boolean>;
}

function targets(s: Scenario, results: Results): TargetResult[] {
  const check = (description: string, op: Operation, peer: string, limit: number): TargetResult => {
    const ratioOn = (clock: Clock) => median(results, BASELINE, op, clock) / median(results, peer, op, clock);
    const ratio = { cpu: ratioOn('cpu'), wall: ratioOn('wall') };
    return {
      scenario: scenarioName(s),
      description,
      limit,
      ratio,
      met: { cpu: ratio.cpu <= limit, wall: ratio.wall <= limit },
    };
  };
  return [
    check('privid SHA-256 sign <= 0.3x digitalbazaar sign', 'sign', PURE_JS_PEER, 0.3),
    check('privid SHA-256 proofVerify <= 0.3x digitalbazaar proofVerify', 'proofVerify', PURE_JS_PEER, 0.3),
    check('privid SHA-256 proofVerify <= 1.0x pairing-crypto proofVerify', 'proofVerify', WASM_PEER, 1.0),
    check('privid SHA-256 proofGen <= 1.2x pairing-crypto proofGen', 'proofGen', WASM_PEER, 1.2),
  ];
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const started = performance.now();
  console.log("BBS benchmark: median milliseconds per call; (Nx) = N times privid SHA-256's median, higher is slower");
  console.log(
    `machine: ${machine.cpuModel}, ${machine.logicalCpus} logical CPUs, ${machine.memoryGiB} GiB; ` +
      `node ${machine.node} (V8 ${machine.v8}), ${machine.platform}; load average ${machine.loadAverage.join(' ')}`,
  );
  console.log(
    `messages ${MESSAGE_LENGTH} random bytes; header ${HEADER_LENGTH} bytes and presentation header ` +
      `${PRESENTATION_HEADER_LENGTH} bytes where supported${quick ? '; --quick' : ''}`,
  );
  console.log('');
  const allTargets: TargetResult[] = [];
  const json: {
    scenario: Scenario;
    results: Record<string, Record<string, Record<Clock, Stats>>>;
    batches: Record<number, Record<Clock, Stats>>;
  }[] = [];
  for (const s of SCENARIOS) {
    const { results, batches } = await runScenario(s, started);
    for (const clock of CLOCKS) {
      console.log(`${scenarioName(s)}, ${CLOCK_NAMES[clock]}:`);
      console.log(table(results, clock));
      console.log(spread(results, clock));
      console.log('');
      console.log(batchTable(results, batches, clock));
      console.log('');
    }
    allTargets.push(...targets(s, results));
    json.push({
      scenario: s,
      results: Object.fromEntries([...results].map(([id, byOp]) => [id, Object.fromEntries(byOp)])),
      batches: Object.fromEntries(batches),
    });
  }
  console.log('Targets (privid median / peer median):');
  const verdict = (t: TargetResult, clock: Clock) =>
    `${t.ratio[clock].toFixed(2)}x ${t.met[clock] ? 'met' : 'NOT met'}`;
  console.log(
    renderTable(
      ['scenario', 'target', 'CPU time', 'wall-clock'],
      allTargets.map((t) => [t.scenario, t.description, verdict(t, 'cpu'), verdict(t, 'wall')]),
    ),
  );
  console.log('');
  console.log('Implementations:');
  for (const impl of IMPLEMENTATIONS) console.log(`- ${impl.label}: ${impl.description}`);
  console.log(
    'Notes: keyGen is key pair from 32 bytes of key material. proofGen checks the signature first in privid (both ' +
      'suites), mattr and pairing-crypto (its default, set explicitly); digitalbazaar does not.',
  );
  const elapsed = (performance.now() - started) / 1000;
  console.log(`Total ${elapsed.toFixed(0)} s; load average at the end ${machineInfo().loadAverage.join(' ')}`);
  if (jsonPath) {
    writeFileSync(jsonPath, JSON.stringify({ machine, quick, scenarios: json, targets: allTargets }, null, 2) + '\n');
    console.log(`Wrote ${jsonPath}`);
  }
}

await main();
