/**
 * Shapes and checks shared by the blind-signature and pseudonym vector suites, whose fixture
 * folders have the same generators.json and mocked-RNG layout.
 */
import { expect } from 'vitest';
import { ascii, createGenerators, getP1, pointToOctetsG1, type Ciphersuite } from '../../src/bbs/index.js';
import { createBlindGenerators } from '../../src/bbs/blind/index.js';
import { readVector, toHex } from './vectors.js';

export interface GeneratorSet {
  api_id: string;
  P1: string;
  Q1: string;
  MsgGenerators: string[];
}

export interface MockRng {
  SEED: string;
  commit?: { DST: string };
  proof?: { DST: string };
}

/** generators.json: the interface's api_id, P1, (Q_1, H_i) and the BLIND_ generators (Q_2, J_i). */
export function expectGeneratorFixture(vectorFolder: string, suiteFolder: string, cs: Ciphersuite, apiId: Uint8Array) {
  const v = readVector<{ generators: GeneratorSet; blindGenerators: GeneratorSet }>(
    vectorFolder,
    suiteFolder,
    'generators.json',
  );
  expect(toHex(apiId)).toBe(toHex(ascii(v.generators.api_id)));
  expect(v.blindGenerators.api_id).toBe(`BLIND_${v.generators.api_id}`);
  const p1 = toHex(pointToOctetsG1(getP1(cs)));
  expect(v.generators.P1).toBe(p1);
  expect(v.blindGenerators.P1).toBe(p1);
  const generators = createGenerators(cs, v.generators.MsgGenerators.length + 1, apiId);
  expect(generators.map((g) => toHex(pointToOctetsG1(g)))).toEqual([v.generators.Q1, ...v.generators.MsgGenerators]);
  const blind = createBlindGenerators(cs, v.blindGenerators.MsgGenerators.length + 1, apiId);
  expect(blind.map((g) => toHex(pointToOctetsG1(g)))).toEqual([
    v.blindGenerators.Q1,
    ...v.blindGenerators.MsgGenerators,
  ]);
}
