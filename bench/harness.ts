/**
 * Small, dependency-free timing helpers for the benchmarks: warm-up, bounded sampling, robust
 * statistics (median and quartiles), and plain-text tables.
 *
 * Every timed call is awaited, so synchronous and promise-returning functions are measured the
 * same way (the await costs microseconds; the operations measured here cost milliseconds).
 *
 * Each call is measured twice: wall-clock time (performance.now) and the process's CPU time
 * (process.cpuUsage, user + system, all threads). On an idle machine they agree for this
 * single-threaded work (CPU time also counts V8's parallel GC helpers). On a shared machine
 * wall-clock time includes the time the process waited for a core; CPU time does not, which
 * makes its median far more stable there.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export type Task = () => unknown;

export interface Stats {
  readonly samples: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export interface SampleBudget {
  /** Stop once at least this many samples were taken and `targetMs` has passed... */
  readonly minSamples: number;
  /** ...or once this many samples were taken... */
  readonly maxSamples: number;
  /** Time after which sampling stops once `minSamples` is reached. */
  readonly targetMs: number;
  /** Hard stop, even below `minSamples` (but never below `floorSamples`): bounds slow tasks. */
  readonly capMs: number;
  readonly floorSamples: number;
}

export interface WarmUpBudget {
  readonly minIterations: number;
  readonly minMs: number;
  readonly maxIterations: number;
}

export type Clock = 'cpu' | 'wall';

/** One call's wall-clock and CPU time, in milliseconds. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** Samples of one task, on both clocks. */
export interface Samples {
  readonly wall: number[];
  readonly cpu: number[];
}

export function emptySamples(): Samples {
  return { wall: [], cpu: [] };
}

/** One timed call. */
export async function timeOnce(task: Task): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await task();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

/** Runs `task` until both `minIterations` calls and `minMs` have passed (or `maxIterations` calls). */
export async function warmUp(task: Task, budget: WarmUpBudget): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < budget.maxIterations; i++) {
    await task();
    if (i + 1 >= budget.minIterations && performance.now() - start >= budget.minMs) return;
  }
}

/** Takes samples of `task` into `into` within `budget` (wall-clock); returns how many were taken. */
export async function sample(task: Task, budget: SampleBudget, into: Samples): Promise<number> {
  const start = performance.now();
  let taken = 0;
  for (;;) {
    const timing = await timeOnce(task);
    into.wall.push(timing.wall);
    into.cpu.push(timing.cpu);
    taken++;
    const elapsed = performance.now() - start;
    if (taken >= budget.maxSamples) break;
    if (taken >= budget.minSamples && elapsed >= budget.targetMs) break;
    if (taken >= budget.floorSamples && elapsed >= budget.capMs) break;
  }
  return taken;
}

/** Linear-interpolated quantile of sorted values (q in 0..1). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const weight = position - lower;
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

export function summarize(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    samples: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/** Three significant digits, e.g. 0.412, 7.31, 58.2, 213. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** "3.2x": how many times the baseline's time. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  return ratio >= 10 ? `${ratio.toFixed(0)}x` : `${ratio.toFixed(ratio < 1 ? 2 : 1)}x`;
}

/** A Markdown-compatible table with padded columns; `align` per column, left by default. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const widths = headers.map((header, c) => Math.max(header.length, ...rows.map((row) => (row[c] ?? '').length), 3));
  const pad = (cell: string, c: number) => (align?.[c] === 'r' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, c) => pad(cell, c)).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (align?.[c] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map((row) => line(headers.map((_, c) => row[c] ?? '')))].join('\n');
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCpus: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly loadAverage: readonly number[];
}

/** The CPU model from /proc/cpuinfo where there is one (Linux), else from os.cpus(). */
export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) cpuModel = match[1].trim();
  } catch {
    // Not Linux: os.cpus() is as good as it gets.
  }
  return {
    cpuModel,
    logicalCpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
