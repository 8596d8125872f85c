/**
 * Settings: defaults that work on a fresh machine, clear errors for bad values, and a README
 * table that lists exactly the settings the server reads.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS } from '../../src/server/config.js';

describe('loadConfig', () => {
  it('defaults to the embedded database under ./data on 127.0.0.1:3000', () => {
    const config = loadConfig({}, 4);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: resolve('./data'),
      databaseUrl: `pglite:${resolve('./data/pglite')}`,
      publicUrl: 'http://127.0.0.1:3000',
      trustProxy: false,
      verifyWorkers: 4,
    });
    expect([...config.roles].sort()).toEqual(['issuer', 'verifier']);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['PRIVID_ROLES', 'issuer,admin'],
    ['DATABASE_URL', 'mysql://x'],
    ['PRIVID_TRUST_PROXY', 'yes'],
    ['PRIVID_TRUST_PROXY', 'true'],
    ['PRIVID_TRUST_PROXY', '10.0.0.0/33'],
    ['PRIVID_TRUST_PROXY', '10.0.0.1,example.com'],
    ['PRIVID_TRUST_PROXY', '99'],
    ['PRIVID_BODY_LIMIT', '10'],
    ['PRIVID_REQUEST_TTL', '1.5'],
    // Wallets refuse requests that live longer than 10 minutes: the server never makes one.
    ['PRIVID_REQUEST_TTL', '601'],
  ])('rejects %s=%s with a ConfigError naming the setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('PRIVID_TRUST_PROXY takes a hop count or proxy addresses and CIDRs, never "trust any"', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PRIVID_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ PRIVID_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ PRIVID_TRUST_PROXY: ' 10.0.0.0/8, ::1 ,192.0.2.7,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      '192.0.2.7',
      'loopback',
    ]);
    expect(() => loadConfig({ PRIVID_TRUST_PROXY: 'true' })).toThrow(/hops.*CIDR/);
  });

  it('the README settings table lists exactly the settings the server reads', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Settings'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)`\s+\|/gm)].map((m) => m[1]);
    expect(documented).toEqual(SETTINGS.map((s) => s.name));
  });
});
