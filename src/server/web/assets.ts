/**
 * The pages' scripts and style sheet, bundled with esbuild the first time a page is asked for (a few
 * hundred milliseconds, once per process; API-only use never pays it), minified, named by content
 * hash (so they are cached for a year), and kept in memory with their gzip.
 *
 * The entries are src/web/*.ts under tsx, or the compiled dist/web/*.js in a built server: the same
 * code, found next to this file either way. There is no separate build command.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CSS } from '../../web/styles.js';

/** The page scripts (src/web/<name>.ts). */
export const PAGE_SCRIPTS = ['desk', 'gate', 'wallet'] as const;
export type PageScript = (typeof PAGE_SCRIPTS)[number];

export interface Asset {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly type: string;
  readonly etag: string;
}

export interface WebAssets {
  /** The URL path of a script (`desk`, …) or of the style sheet (`style`). */
  url(name: PageScript | 'style'): string;
  /** An asset by its file name (`desk-3FQ2….js`). */
  file(name: string): Asset | undefined;
}

function asset(body: Buffer, type: string): Asset {
  return { body, gzip: gzipSync(body, { level: 9 }), type, etag: `"${hash(body)}"` };
}

function hash(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 16);
}

async function bundle(): Promise<WebAssets> {
  // esbuild is loaded only here: a server whose pages are never opened never starts its service.
  const { build } = await import('esbuild');
  const webDir = fileURLToPath(new URL('../../web/', import.meta.url));
  const entry = (name: string) => {
    const ts = `${webDir}${name}.ts`;
    return existsSync(ts) ? ts : `${webDir}${name}.js`;
  };
  const result = await build({
    entryPoints: Object.fromEntries(PAGE_SCRIPTS.map((name) => [name, entry(name)])),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    write: false,
    outdir: '/assets',
    logLevel: 'silent',
    legalComments: 'eof',
  });
  const files = new Map<string, Asset>();
  const urls = new Map<string, string>();
  for (const output of result.outputFiles) {
    const name = output.path.slice(output.path.lastIndexOf('/') + 1).replace(/\.js$/, '');
    const body = Buffer.from(output.contents);
    const fileName = `${name}-${hash(body)}.js`;
    files.set(fileName, asset(body, 'text/javascript; charset=utf-8'));
    urls.set(name, `/assets/${fileName}`);
  }
  const css = Buffer.from(CSS, 'utf8');
  const cssName = `style-${hash(css)}.css`;
  files.set(cssName, asset(css, 'text/css; charset=utf-8'));
  urls.set('style', `/assets/${cssName}`);
  return {
    url: (name) => {
      const url = urls.get(name);
      if (!url) throw new Error(`no asset ${name}`);
      return url;
    },
    file: (name) => files.get(name),
  };
}

let building: Promise<WebAssets> | undefined;

/** The bundled assets (built on first use, then shared by every server in the process). */
export function webAssets(): Promise<WebAssets> {
  building ??= bundle().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}
