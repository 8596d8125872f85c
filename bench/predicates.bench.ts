/**
 * Predicates benchmark (part of `npm run bench`): prove and verify time and proof size of one
 * presentation item (a vaccination record, productClass disclosed) with 0, 1 (doseCount >= 2) and
 * 2 (and validUntil >= today) proven predicates, for privid (proveItem / verifyItemDetailed) and
 * for @docknetwork/crypto-wasm-ts (BBS + Bulletproofs++ bound checks, predicates-dock.ts), in one
 * process. Prints medians on both clocks, privid's ratio to Dock, each library's ratio to its own
 * item without predicates, and privid's targets (issue #11): with two predicates prove <= 2x and
 * verify <= 1.5x the item without, added size <= 1 KB.
 *
 * Method as in bbs.bench.ts: everything is prepared and warmed up first, then samples are taken
 * in rounds cycling through every cell, so a burst of load lands on all of them.
 * Options: --quick (fewer samples).
 */
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
} from './harness.js';
import { dockItem, initDock, type DockItem } from './predicates-dock.js';
import { PROVEN_SETS, prividItems } from './predicates-item.js';
import { TODAY } from '../test/holder/support.js';

// `--json` (passed by bench/run.ts) is the BBS benchmark's; this one prints only.
const quick = process.argv.includes('--quick');
const ROUNDS = 3;
const WARM_UP = { minIterations: 2, minMs: quick ? 60 : 150, maxIterations: 20 };
const BUDGET: SampleBudget = quick
  ? { minSamples: 2, maxSamples: 20, targetMs: 150, capMs: 600, floorSamples: 1 }
  : { minSamples: 4, maxSamples: 60, targetMs: 500, capMs: 2500, floorSamples: 2 };
const CLOCKS: readonly Clock[] = ['cpu', 'wall'];
const LABELS = ['none', 'doseCount >= 2', 'doseCount >= 2, validUntil >= today'];

/** Dock's messages in privid's order: schema, issuerKeyId, validFrom, validUntil, productClass, doseCount, lastDoseDay, blind, nym. */
const DOCK_VALUES = [11, 22, TODAY - 90, TODAY + 200, 1, 3, TODAY - 90, 7, 8];
const DOCK_DISCLOSED = [0, 1, 4];
/** The same predicates: Dock's bound check wants both ends; the upper ones are the schema's max and the 16-bit date span. */
const DOCK_BOUNDS = [
  [],
  [{ index: 5, min: 2, max: 20 }],
  [
    { index: 5, min: 2, max: 20 },
    { index: 3, min: TODAY, max: TODAY + 65_535 },
  ],
];

interface Cell {
  readonly name: string;
  readonly task: () => unknown;
  readonly samples: Samples;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const started = performance.now();
  console.log('Predicates benchmark: one presentation item, median ms per call; (Nx) = ratio as labelled');
  console.log(
    `machine: ${machine.cpuModel}, ${machine.logicalCpus} logical CPUs; node ${machine.node}; ` +
      `load average ${machine.loadAverage.join(' ')}${quick ? '; --quick' : ''}`,
  );
  const privid = await prividItems();
  let dock: DockItem[] | undefined;
  let dockError: string | undefined;
  try {
    await initDock();
    dock = DOCK_BOUNDS.map((bounds) => dockItem(DOCK_VALUES, DOCK_DISCLOSED, bounds));
  } catch (error) {
    dockError = error instanceof Error ? error.message : String(error);
  }
  const cells: Cell[] = [];
  const cell = (name: string, task: () => unknown) => {
    const c = { name, task, samples: emptySamples() };
    cells.push(c);
    return c;
  };
  const sizes: { privid: number[]; dock: number[] } = { privid: [], dock: [] };
  PROVEN_SETS.forEach((_, k) => {
    const item = privid[k]!;
    const proof = item.prove();
    sizes.privid.push(item.bytes(proof));
    cell(`privid prove ${k}`, item.prove);
    cell(`privid verify ${k}`, () => item.verify(proof));
    if (dock) {
      const d = dock[k]!;
      const dockProof = d.prove();
      sizes.dock.push(dockProof.length);
      cell(`dock prove ${k}`, d.prove);
      cell(`dock verify ${k}`, () => d.verify(dockProof));
    }
  });
  for (const c of cells) await warmUp(c.task, WARM_UP);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cells) await sample(c.task, BUDGET, c.samples);
    process.stderr.write(`  predicates: round ${round + 1}/${ROUNDS} done\n`);
  }
  const median = (name: string, clock: Clock) =>
    summarize(cells.find((c) => c.name === name)?.samples[clock] ?? []).median;

  for (const clock of CLOCKS) {
    console.log('');
    console.log(
      `${clock === 'cpu' ? 'CPU' : 'wall-clock'} time, ms (privid: Nx its item without predicates; Dock: same)`,
    );
    const rows = PROVEN_SETS.map((_, k) => {
      const row = [LABELS[k]!];
      for (const op of ['prove', 'verify'] as const) {
        const p = median(`privid ${op} ${k}`, clock);
        row.push(k === 0 ? formatMs(p) : `${formatMs(p)} (${formatRatio(p / median(`privid ${op} 0`, clock))})`);
      }
      row.push(String(sizes.privid[k]));
      if (dock) {
        for (const op of ['prove', 'verify'] as const) {
          const d = median(`dock ${op} ${k}`, clock);
          row.push(k === 0 ? formatMs(d) : `${formatMs(d)} (${formatRatio(d / median(`dock ${op} 0`, clock))})`);
        }
        row.push(String(sizes.dock[k]));
        for (const op of ['prove', 'verify'] as const) {
          row.push(formatRatio(median(`privid ${op} ${k}`, clock) / median(`dock ${op} ${k}`, clock)));
        }
      }
      return row;
    });
    const headers = ['predicates', 'privid prove', 'privid verify', 'privid bytes'];
    if (dock) headers.push('Dock prove', 'Dock verify', 'Dock bytes', 'prove privid/Dock', 'verify privid/Dock');
    console.log(renderTable(headers, rows, ['l', ...headers.slice(1).map(() => 'r' as const)]));
  }
  if (!dock) console.log(`\nDock (@docknetwork/crypto-wasm-ts) not measured: ${dockError}`);

  console.log('');
  console.log('Targets (privid, two predicates vs the same item without):');
  const targetRows = CLOCKS.flatMap((clock) => {
    const prove = median('privid prove 2', clock) / median('privid prove 0', clock);
    const verify = median('privid verify 2', clock) / median('privid verify 0', clock);
    return [
      [clock, 'prove <= 2.0x', `${prove.toFixed(2)}x ${prove <= 2 ? 'met' : 'NOT met'}`],
      [clock, 'verify <= 1.5x', `${verify.toFixed(2)}x ${verify <= 1.5 ? 'met' : 'NOT met'}`],
    ];
  });
  const added = sizes.privid[2]! - sizes.privid[0]!;
  targetRows.push(['bytes', 'added <= 1024', `${added} ${added <= 1024 ? 'met' : 'NOT met'}`]);
  console.log(renderTable(['clock', 'target', 'measured'], targetRows));
  console.log('');
  console.log(
    'privid bytes: BBS proof + pseudonym (48) + predicate proof. Dock: its CompositeProof bytes (no pseudonym). ' +
      'Dock proves each bound with Bulletproofs++ on 64-bit values (base 2): its only working parameters.',
  );
  const elapsed = (performance.now() - started) / 1000;
  console.log(`Total ${elapsed.toFixed(0)} s; load average at the end ${machineInfo().loadAverage.join(' ')}`);
}

await main();
