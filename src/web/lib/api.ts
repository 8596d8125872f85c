/**
 * The pages' calls to the privid API (same origin). The API key lives in sessionStorage: gone when
 * the tab closes, never in a URL, a cookie or localStorage.
 */
import { strings } from '../strings.js';

const S = strings();

/** One entry of a problem's `errors`: where, what, and for a broken schema invariant every attribute involved. */
export interface ProblemDetail {
  readonly path: string;
  readonly message?: string;
  readonly attributes?: readonly string[];
}

/** An API problem (RFC 9457) or a network failure, with a message for the person at the screen. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly errors: readonly ProblemDetail[] = [],
  ) {
    super(message);
  }
}

export class KeyStore {
  constructor(private readonly slot: string) {}
  get(): string | null {
    return sessionStorage.getItem(this.slot);
  }
  set(key: string): void {
    sessionStorage.setItem(this.slot, key);
  }
  clear(): void {
    sessionStorage.removeItem(this.slot);
  }
}

export interface CallOptions {
  readonly key?: string | null;
  readonly body?: unknown;
  readonly accept?: string;
  readonly signal?: AbortSignal;
}

/** A fetch of the API; throws ApiProblem for anything but 2xx. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      cache: 'no-store',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiProblem('NETWORK', S.errors.network!, 0);
  }
  if (response.ok) return response;
  let problem: { code?: string; detail?: string; errors?: ProblemDetail[] } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // not JSON: the status says enough
  }
  const code = problem.code ?? `HTTP_${response.status}`;
  throw new ApiProblem(code, S.errors[code] ?? problem.detail ?? code, response.status, problem.errors ?? []);
}

export async function json<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  return (await (await call(method, path, options)).json()) as T;
}

/** The API's SVG of a privid QR text, as an object URL for an <img> (revoke the previous one). */
export async function qrImageUrl(text: string): Promise<string> {
  const response = await call('POST', '/v1/qr.svg', { body: { text }, accept: 'image/svg+xml' });
  return URL.createObjectURL(await response.blob());
}
