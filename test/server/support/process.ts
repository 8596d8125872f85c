// `npm start` as a real process, for tests about what only whole processes show: locks, exit codes,
// what goes to stdout and to stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** The exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves true once the banner is printed, false if the process exits first or the time is up. */
  started(timeoutMs?: number): Promise<boolean>;
  /** The URL from the banner. */
  url(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts what `npm start` runs (one node process with tsx as a loader), with these settings added. */
export function spawnServer(env: Record<string, string>, options: { uid?: number; gid?: number } = {}): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', PRIVID_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async started(timeoutMs = 240_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stdout.includes('OpenAPI:') && child.exitCode === null && child.signalCode === null) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return stdout.includes('OpenAPI:');
    },
    url() {
      const match = /URL: +(http:\/\/\S+)/.exec(stdout);
      if (!match) throw new Error(`no URL in ${stdout}`);
      return match[1]!;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
