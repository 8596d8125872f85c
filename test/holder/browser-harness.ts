// Headless Chromium for the browser tests: Debian's chromium (PRIVID_CHROMIUM, else
// /usr/bin/chromium) driven by playwright-core; nothing is downloaded or installed at run time.
// A page is served from 127.0.0.1 on a random port (a secure context: WebCrypto and IndexedDB
// work) with one esbuild bundle of a test entry.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PRIVID_CHROMIUM || '/usr/bin/chromium';
/** CI sets PRIVID_CHROMIUM (see .ci/run): there a missing browser fails instead of skipping. */
export const BROWSER_AVAILABLE = existsSync(CHROMIUM);
export const BROWSER_REQUIRED = process.env.PRIVID_CHROMIUM !== undefined;

export interface BrowserPage {
  readonly page: Page;
  readonly url: string;
  readonly errors: string[];
  close(): Promise<void>;
}

/** Bundles `entry` for the browser and opens it in a fresh headless Chromium page. */
export async function openBundledPage(
  entry: string,
  options: { beforeLaunch?: (origin: string) => Promise<void> } = {},
): Promise<BrowserPage> {
  const bundled = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    minify: true,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]!.text;
  const html =
    '<!doctype html><meta charset="utf-8"><title>privid test</title><script type="module" src="/bundle.js"></script>';
  const server: Server = createServer((request, response) => {
    if (request.url === '/bundle.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (request.url === '/') {
      // The CSP a wallet page should run under: no eval, no inline script.
      response
        .writeHead(200, {
          'content-type': 'text/html',
          'content-security-policy': "default-src 'self'; script-src 'self'; connect-src 'self' http://127.0.0.1:*",
        })
        .end(html);
    } else if (request.url === '/favicon.ico') {
      response.writeHead(204).end();
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let browser: Browser | undefined;
  try {
    await options.beforeLaunch?.(url.slice(0, -1));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true, undefined, {
      timeout: 60_000,
    });
    const opened = browser;
    return {
      page,
      url,
      errors,
      close: async () => {
        await opened.close();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  } catch (error) {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
}
