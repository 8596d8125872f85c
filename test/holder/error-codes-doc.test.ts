// The docs list exactly the HolderError codes the code has: the door's refusal table in
// docs/openid4vp-profile.md is DOOR_ERROR_CODES, and docs/holder-sdk.md's Errors section names
// every code of HOLDER_ERROR_CODES and no other.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { DOOR_ERROR_CODES, HOLDER_ERROR_CODES } from '../../src/holder/index.js';

function section(file: string, from: string, to: string): string {
  const text = readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8');
  const start = text.indexOf(from);
  expect(start, `${file} has "${from}"`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf(to, start + from.length);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('HolderError codes in the docs', () => {
  it("the profile's refusal table lists exactly DOOR_ERROR_CODES, all of them HolderError codes", () => {
    const table = section('openid4vp-profile.md', 'Each refusal has its own', '## The request object');
    const listed = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|/gm)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...DOOR_ERROR_CODES].sort());
    for (const code of listed) expect(HOLDER_ERROR_CODES).toContain(code);
  });

  it("holder-sdk.md's Errors section names every HolderError code and no other", () => {
    const errors = section('holder-sdk.md', '## Errors', '\n## ');
    const named = new Set(
      [...errors.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]).filter((name) => name !== 'HOLDER_ERROR_CODES'),
    );
    expect([...named].sort()).toEqual([...HOLDER_ERROR_CODES].sort());
  });
});
