/**
 * `npm run bench:hermes`: the wallet's and the kiosk's real paths in Hermes (the React Native
 * engine) next to Node, cold (first call in a fresh process) and warm, in CPU time.
 *
 *   npm run bench:hermes                       # 3 repeats, about 5-10 minutes on 2 busy cores
 *   npm run bench:hermes -- --quick            # 1 repeat
 *   npm run bench:hermes -- --scenarios present-stadium,bbs-proofGen --repeats 5
 *   npm run bench:hermes -- --json results.json
 *
 * Method (docs/performance.md, "Hermes"): every figure is the CPU time (user + system, from the
 * shell's `times`) of a fresh engine process. cold = CPU(one call) - CPU(loading the bundle and
 * doing nothing); warm = (CPU(1 + K calls) - CPU(one call)) / K. Each is taken `repeats` times,
 * interleaved, and the median is shown. The wall-clock time each call took inside the engine is
 * recorded too (the machine is shared, so it is inflated by waiting for a core).
 */
import { writeFileSync } from 'node:fs';
import { buildBundles, defaultWorkDir, hermesVersion, prepareRun, runFile, type Measured } from './build.js';
import { makeFixtures } from './fixtures.js';
import { SCENARIOS, type BenchFixtures, type ScenarioName } from './types.js';

type Engine = 'node' | 'hermes';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const repeats = Number(option('--repeats') ?? (quick ? 1 : 3));
const warmCalls: Record<Engine, number> = {
  node: Number(option('--warm-node') ?? 10),
  hermes: Number(option('--warm-hermes') ?? 3),
};
const scenarios = (option('--scenarios')?.split(',') ?? [...SCENARIOS]) as ScenarioName[];
const engines = (option('--engines')?.split(',') ?? ['node', 'hermes']) as Engine[];
const jsonOut = option('--json');

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Cell {
  coldCpuMs: number;
  warmCpuMs: number;
  coldWallMs: number;
  warmWallMs: number;
  samples: { cold: number[]; warm: number[] };
}

async function main(): Promise<void> {
  const started = process.cpuUsage();
  const version = hermesVersion();
  process.stdout.write(`Hermes ${version}, Node ${process.version}; building the SDK bundle and the fixtures...\n`);
  const bundles = await buildBundles();
  const fixtures: BenchFixtures = await makeFixtures();
  const files = new Map<string, string>();
  const file = (engine: Engine, scenario: ScenarioName, iterations: number): string => {
    const key = `${engine} ${scenario} ${iterations}`;
    let path = files.get(key);
    if (!path) {
      path = prepareRun(engine, bundles, { scenario, iterations, fixtures }, defaultWorkDir);
      files.set(key, path);
    }
    return path;
  };
  const results: Record<string, Record<Engine, Cell>> = {};
  for (const scenario of scenarios) {
    results[scenario] = {} as Record<Engine, Cell>;
    for (const engine of engines) {
      const K = warmCalls[engine];
      const cold: number[] = [];
      const warm: number[] = [];
      const coldWall: number[] = [];
      const warmWall: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const base: Measured = runFile(engine, file(engine, 'baseline', 1));
        const one = runFile(engine, file(engine, scenario, 1));
        const many = runFile(engine, file(engine, scenario, 1 + K));
        cold.push(one.cpuMs - base.cpuMs);
        warm.push((many.cpuMs - one.cpuMs) / K);
        coldWall.push(one.result.wallMs[0]!);
        warmWall.push(median(many.result.wallMs.slice(1)));
      }
      const cell: Cell = {
        coldCpuMs: median(cold),
        warmCpuMs: median(warm),
        coldWallMs: median(coldWall),
        warmWallMs: median(warmWall),
        samples: { cold, warm },
      };
      results[scenario][engine] = cell;
      process.stdout.write(
        `  ${scenario.padEnd(20)} ${engine.padEnd(6)} cold ${fmt(cell.coldCpuMs).padStart(7)} ms  warm ${fmt(cell.warmCpuMs).padStart(7)} ms (CPU)\n`,
      );
    }
  }
  process.stdout.write(
    `\n${table(results, 'cpu')}\n\nWall-clock inside the engine (inflated on a busy machine):\n\n${table(results, 'wall')}\n`,
  );
  const used = process.cpuUsage(started);
  process.stdout.write(
    `\nHermes ${version}; ${repeats} repeat(s), warm = ${warmCalls.node} (Node) / ${warmCalls.hermes} (Hermes) further calls; harness CPU ${((used.user + used.system) / 1e6).toFixed(1)} s\n`,
  );
  if (jsonOut) {
    writeFileSync(
      jsonOut,
      JSON.stringify({ hermes: version, node: process.version, repeats, warmCalls, results }, null, 2),
    );
  }
}

const LABELS: Record<ScenarioName, string> = {
  baseline: 'nothing',
  interop: 'one of each cross-engine step (not timed)',
  'issuance-request': 'holder secret + issuance request (CommitWithNym)',
  'finalize-credential': 'finalize credential (verify the blind signature)',
  'present-stadium': 'present: stadium, 1 item with pseudonym',
  'present-two-items': 'present: 2 items',
  'kiosk-verify': 'kiosk verifyPresentation (stadium)',
  'bbs-proofGen': 'privid/bbs proofGen, 10 messages / 3 disclosed (checks the signature first)',
  'bbs-proofGen-vouched': 'proofGen, 10 / 3, for a signature the holder verified (the wallet shape, internal)',
  'bbs-proofVerify': 'privid/bbs proofVerify, 10 / 3',
};

function fmt(ms: number): string {
  return ms >= 100 ? Math.round(ms).toLocaleString('en-US') : ms.toFixed(1);
}

function table(results: Record<string, Record<Engine, Cell>>, clock: 'cpu' | 'wall'): string {
  const head = engines.flatMap((e) => [
    `${e === 'node' ? 'Node' : 'Hermes'} cold`,
    `${e === 'node' ? 'Node' : 'Hermes'} warm`,
  ]);
  const lines = [
    `| ${clock === 'cpu' ? 'CPU ms' : 'wall ms'} | ${head.join(' | ')} |`,
    `| --- | ${head.map(() => '---:').join(' | ')} |`,
  ];
  for (const [scenario, cells] of Object.entries(results)) {
    const values = engines.flatMap((e) => {
      const c = cells[e];
      return clock === 'cpu' ? [fmt(c.coldCpuMs), fmt(c.warmCpuMs)] : [fmt(c.coldWallMs), fmt(c.warmWallMs)];
    });
    lines.push(`| ${LABELS[scenario as ScenarioName]} | ${values.join(' | ')} |`);
  }
  return lines.join('\n');
}

await main();
