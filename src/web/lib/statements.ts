/**
 * Values and proven statements in the words of the person reading the screen: the wallet's consent
 * screen ("Doses ≥ 2") and the gate's verdict ("negative test, valid today"). A proven statement
 * carries no value of the holder's, only the bound or set the venue asked for.
 */
import type { ProvenConstraint } from '../../credential/index.js';
import { isoDay } from './dom.js';
import { strings } from '../strings.js';

const S = strings();
const DATE_ATTRIBUTES = new Set(['validFrom', 'validUntil', 'sampleDay', 'lastDoseDay']);
const OPS: Readonly<Record<ProvenConstraint['op'], string>> = { gte: '≥', lte: '≤', in: '∈', neq: '≠' };

export function attributeName(name: string): string {
  return S.attributes[name] ?? name;
}

/** "negative test", "2026-11-30", "3": a value as a person reads it. */
export function valueText(name: string, value: string | number | boolean): string {
  if (DATE_ATTRIBUTES.has(name) && typeof value === 'number') return isoDay(value);
  return S.values[name]?.[String(value)] ?? String(value);
}

/** "Doses ≥ 2", "Test result = negative test", "Valid until ≥ 2026-11-30". */
export function statementText(p: ProvenConstraint): string {
  const name = attributeName(p.attribute);
  if (Array.isArray(p.value)) {
    const values = p.value.map((v) => valueText(p.attribute, v));
    return values.length === 1 ? `${name} = ${values[0]}` : `${name} ${OPS.in} {${values.join(', ')}}`;
  }
  return `${name} ${OPS[p.op]} ${valueText(p.attribute, p.value)}`;
}

/**
 * The door's short words for a proven statement: "valid today" for the validity pair (said once),
 * "negative test" for a one-value set with words of its own, else the statement.
 */
export function doorWords(p: ProvenConstraint, today: number): string | undefined {
  if (p.attribute === 'validFrom' && p.op === 'lte' && p.value === today) return undefined;
  if (p.attribute === 'validUntil' && p.op === 'gte' && p.value === today) return S.validToday;
  if (p.op === 'in' && Array.isArray(p.value) && p.value.length === 1) {
    const words = S.values[p.attribute]?.[String(p.value[0])];
    if (words) return words;
  }
  return statementText(p);
}
