/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): where the samples fell, by source
 * file (self time) and by function (self and inclusive time, recursion counted once).
 *
 *   npx tsx bench/cpuprofile-summary.ts <file.cpuprofile> [--top 25] [--match <substring>] [--root <function>]
 *
 * `--match` keeps only functions whose name or file contains the substring (e.g. `src/bbs`).
 * `--root` keeps only samples with that function name on the stack (e.g. `proofVerify`), so that
 * shares are of that operation's time rather than of the whole process (startup, warm-up, GC).
 */
import { readFileSync } from 'node:fs';
import { formatMs, renderTable } from './harness.js';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const file = args.find(
  (a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--top' && args[args.indexOf(a) - 1] !== '--match',
);
if (!file) {
  console.error('usage: tsx bench/cpuprofile-summary.ts <file.cpuprofile> [--top 25] [--match <substring>]');
  process.exit(2);
}
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
const matchIndex = args.indexOf('--match');
const match = matchIndex >= 0 ? args[matchIndex + 1] : undefined;
const rootIndex = args.indexOf('--root');
const root = rootIndex >= 0 ? args[rootIndex + 1] : undefined;

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

/** Self time per node id, in ms (timeDeltas are microseconds, sample i's delta is the time before it). */
const selfMs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  selfMs.set(profile.samples[i]!, (selfMs.get(profile.samples[i]!) ?? 0) + delta);
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  const src = path.search(/\/(src|bench|test)\//);
  return src >= 0 ? path.slice(src + 1) : path;
}

function functionKey(frame: CallFrame): string {
  const where = shortUrl(frame.url);
  return `${frame.functionName || '(anonymous)'}${where ? ` ${where}:${frame.lineNumber + 1}` : ''}`;
}

const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const selfByFunction = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusiveByFunction = new Map<string, number>();
function underRoot(id: number): boolean {
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    if (byId.get(current)?.callFrame.functionName === root) return true;
  }
  return false;
}

let total = 0;
for (const [id, ms] of selfMs) {
  if (root !== undefined && !underRoot(id)) continue;
  total += ms;
  const node = byId.get(id);
  if (!node) continue;
  const key = functionKey(node.callFrame);
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + ms);
  const fileKey = shortUrl(node.callFrame.url) || node.callFrame.functionName || '(unknown)';
  selfByFile.set(fileKey, (selfByFile.get(fileKey) ?? 0) + ms);
  // Inclusive: credit every distinct function on the stack once.
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    const frame = byId.get(current)?.callFrame;
    if (!frame) break;
    const k = functionKey(frame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusiveByFunction.set(k, (inclusiveByFunction.get(k) ?? 0) + ms);
  }
}

const pct = (ms: number) => `${((ms / total) * 100).toFixed(1)}%`;
const keep = (key: string) => match === undefined || key.includes(match);
const rows = (map: Map<string, number>) =>
  [...map]
    .filter(([key]) => keep(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => [pct(ms), formatMs(ms), key]);

console.log(`${file}: ${formatMs(total)} ms sampled${root === undefined ? '' : ` under ${root}`}`);
console.log('\nSelf time by file:');
console.log(renderTable(['share', 'ms', 'file'], rows(selfByFile), ['r', 'r', 'l']));
console.log('\nSelf time by function:');
console.log(renderTable(['share', 'ms', 'function'], rows(selfByFunction), ['r', 'r', 'l']));
console.log('\nInclusive time by function:');
console.log(renderTable(['share', 'ms', 'function'], rows(inclusiveByFunction), ['r', 'r', 'l']));
