import { describe, expect, it } from 'vitest';
import {
  AGE_BAND_SCHEMA,
  COVID_TEST_RESULT_SCHEMA,
  VACCINATION_RECORD_SCHEMA,
  attributesToDisclose,
  checkClauseAgainstSchema,
  dayFromIsoDate,
  evaluateClause,
  evaluateConstraint,
  isDateExpression,
  resolveDay,
  type Constraint,
} from '../../src/credential/index.js';

const today = dayFromIsoDate('2025-06-14');
const opts = { today };
const c = (attribute: string, op: Constraint['op'], value: Constraint['value']): Constraint => ({
  attribute,
  op,
  value,
});
const ev = (constraint: Constraint, value: unknown, options = opts) => evaluateConstraint(constraint, value, options);

describe('evaluateConstraint', () => {
  it('eq / neq on strings, integers and booleans, with strict types', () => {
    expect(ev(c('testResult', 'eq', 'negative'), 'negative')).toBe(true);
    expect(ev(c('testResult', 'eq', 'negative'), 'positive')).toBe(false);
    expect(ev(c('testResult', 'neq', 'positive'), 'negative')).toBe(true);
    expect(ev(c('testResult', 'neq', 'positive'), 'positive')).toBe(false);
    expect(ev(c('ageOver18', 'eq', true), true)).toBe(true);
    expect(ev(c('ageOver18', 'eq', true), false)).toBe(false);
    expect(ev(c('ageOver18', 'neq', false), true)).toBe(true);
    expect(ev(c('doseCount', 'eq', 2), 2)).toBe(true);
    expect(ev(c('doseCount', 'neq', 2), 3)).toBe(true);
    // "1" is not 1 and "true" is not true, in both directions, and neq fails closed on a type mismatch.
    expect(ev(c('x', 'eq', '1'), 1)).toBe(false);
    expect(ev(c('x', 'eq', 1), '1')).toBe(false);
    expect(ev(c('x', 'eq', 'true'), true)).toBe(false);
    expect(ev(c('x', 'neq', 'negative'), true)).toBe(false);
    expect(ev(c('x', 'neq', 1), '2')).toBe(false);
  });

  it('gte / lte on integers, inclusive', () => {
    expect(ev(c('doseCount', 'gte', 2), 2)).toBe(true);
    expect(ev(c('doseCount', 'gte', 2), 3)).toBe(true);
    expect(ev(c('doseCount', 'gte', 2), 1)).toBe(false);
    expect(ev(c('doseCount', 'lte', 2), 2)).toBe(true);
    expect(ev(c('doseCount', 'lte', 2), 3)).toBe(false);
    expect(ev(c('doseCount', 'lte', 2), 0)).toBe(true);
    // Not on strings or booleans, even when they would compare in JS.
    expect(ev(c('x', 'gte', 'a'), 'b')).toBe(false);
    expect(ev(c('x', 'gte', 0), true)).toBe(false);
    expect(ev(c('x', 'gte', true), 1)).toBe(false);
    expect(ev(c('x', 'gte', 1), '2')).toBe(false);
  });

  it('in: membership with strict types', () => {
    expect(ev(c('testType', 'in', ['pcr', 'lamp']), 'pcr')).toBe(true);
    expect(ev(c('testType', 'in', ['pcr', 'lamp']), 'antigen')).toBe(false);
    expect(ev(c('doseCount', 'in', [2, 3]), 3)).toBe(true);
    expect(ev(c('doseCount', 'in', ['3']), 3)).toBe(false);
    expect(ev(c('x', 'in', []), 'a')).toBe(false);
    expect(ev(c('x', 'in', 'abc'), 'a')).toBe(false);
  });

  it('resolves date expressions against the injected today, for day-number values', () => {
    expect(ev(c('validUntil', 'gte', 'today'), today)).toBe(true);
    expect(ev(c('validUntil', 'gte', 'today'), today - 1)).toBe(false);
    expect(ev(c('validUntil', 'gte', 'today'), today - 1, { today: today - 1 })).toBe(true);
    expect(ev(c('sampleDay', 'gte', 'today-2'), today - 2)).toBe(true);
    expect(ev(c('sampleDay', 'gte', 'today-2'), today - 3)).toBe(false);
    expect(ev(c('validFrom', 'lte', 'today'), today)).toBe(true);
    expect(ev(c('validFrom', 'lte', 'today'), today + 1)).toBe(false);
    expect(ev(c('validUntil', 'gte', 'today+30'), today + 30)).toBe(true);
    expect(ev(c('validUntil', 'gte', 'today+30'), today + 29)).toBe(false);
    expect(ev(c('lastDoseDay', 'gte', '2025-01-01'), dayFromIsoDate('2025-01-01'))).toBe(true);
    expect(ev(c('lastDoseDay', 'gte', '2025-01-01'), dayFromIsoDate('2024-12-31'))).toBe(false);
    expect(ev(c('sampleDay', 'eq', 'today'), today)).toBe(true);
    expect(ev(c('sampleDay', 'neq', 'today'), today)).toBe(false);
    expect(ev(c('sampleDay', 'eq', today), today)).toBe(true);
    // A string value is compared literally: "today" the string is not a date here.
    expect(ev(c('note', 'eq', 'today'), 'today')).toBe(true);
    // Unresolvable expressions fail closed.
    expect(ev(c('validUntil', 'gte', 'tomorrow'), today)).toBe(false);
    expect(ev(c('validUntil', 'neq', 'tomorrow'), today)).toBe(false);
    expect(ev(c('validUntil', 'gte', '2025-02-30'), today)).toBe(false);
  });

  it('requires a valid today and fails closed on odd values', () => {
    expect(() => ev(c('validUntil', 'gte', 'today'), today, { today: Number.NaN })).toThrow(RangeError);
    expect(() => ev(c('x', 'eq', 1), 1, { today: -1 })).toThrow(RangeError);
    expect(() => evaluateConstraint(c('x', 'eq', 1), 1, undefined as never)).toThrow(RangeError);
    for (const value of [undefined, null, [1], { a: 1 }, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(ev(c('x', 'eq', 1), value)).toBe(false);
      expect(ev(c('x', 'neq', 1), value)).toBe(false);
    }
    expect(ev({ attribute: 'x', op: 'like' as never, value: 'a' }, 'a')).toBe(false);
    expect(ev(c('x', 'eq', ['a']), 'a')).toBe(false);
  });
});

describe('date expressions', () => {
  it('resolves today, today±N, ISO dates and day numbers', () => {
    expect(resolveDay('today', today)).toBe(today);
    expect(resolveDay('today-7', today)).toBe(today - 7);
    expect(resolveDay('today+1', today)).toBe(today + 1);
    expect(resolveDay('2025-06-14', 0)).toBe(today);
    expect(resolveDay(5, today)).toBe(5);
    for (const bad of ['Today', 'today-', 'today - 1', 'today-123456', 'now', '14/06/2025', -1, true]) {
      expect(resolveDay(bad, today)).toBeUndefined();
    }
    expect(isDateExpression('today-2')).toBe(true);
    expect(isDateExpression(3)).toBe(false);
  });
});

describe('attributesToDisclose', () => {
  it('is exactly the disclose list, without duplicates: constrained attributes stay hidden (predicates)', () => {
    expect(
      attributesToDisclose({
        disclose: ['testType'],
        constraints: [c('testResult', 'eq', 'negative'), c('validUntil', 'gte', 'today'), c('testType', 'neq', 'lamp')],
      }),
    ).toEqual(['testType']);
    expect(attributesToDisclose({ disclose: [], constraints: [] })).toEqual([]);
    expect(attributesToDisclose({ disclose: ['a', 'a'], constraints: [c('a', 'eq', 1), c('a', 'lte', 3)] })).toEqual([
      'a',
    ]);
  });
});

describe('evaluateClause', () => {
  const clause = {
    disclose: ['testType'],
    constraints: [c('testResult', 'eq', 'negative'), c('validUntil', 'gte', 'today')],
  };
  it('passes when exactly the requested attributes are disclosed and every constraint on them holds', () => {
    expect(
      evaluateClause(
        { ...clause, disclose: ['testType', 'testResult', 'validUntil'] },
        { testType: 'pcr', testResult: 'negative', validUntil: today },
        opts,
      ),
    ).toEqual({
      satisfied: true,
      failures: [],
    });
  });
  it('reports missing, extra and failing attributes', () => {
    const result = evaluateClause(
      { ...clause, disclose: ['testType', 'testResult'] },
      { testResult: 'positive', sampleDay: today },
      opts,
    );
    expect(result.satisfied).toBe(false);
    expect(result.failures.map((f) => `${f.path} ${f.reason} ${f.attribute}`)).toEqual([
      '/disclosed/testType NOT_DISCLOSED testType',
      '/disclosed/sampleDay NOT_REQUESTED sampleDay',
      '/constraints/0 NOT_SATISFIED testResult',
    ]);
  });
});

describe('checkClauseAgainstSchema', () => {
  const clause = (disclose: string[], constraints: Constraint[], schemaRef = 'privid:covid-test-result@1') => ({
    schemaRef,
    disclose,
    constraints,
  });
  const reasons = (cl: ReturnType<typeof clause>, schema = COVID_TEST_RESULT_SCHEMA) =>
    checkClauseAgainstSchema(cl, schema).map((i) => `${i.path} ${i.reason}`);

  it('accepts well-typed clauses for the built-ins', () => {
    expect(
      reasons(
        clause(
          ['testType'],
          [c('testResult', 'eq', 'negative'), c('validUntil', 'gte', 'today'), c('sampleDay', 'gte', 'today-2')],
        ),
      ),
    ).toEqual([]);
    expect(
      reasons(
        clause(
          [],
          [
            c('doseCount', 'gte', 2),
            c('productClass', 'in', ['mrna', 'protein-subunit']),
            c('lastDoseDay', 'gte', '2025-01-01'),
          ],
          'privid:vaccination-record@1',
        ),
        VACCINATION_RECORD_SCHEMA,
      ),
    ).toEqual([]);
    expect(reasons(clause(['band'], [c('ageOver18', 'eq', true)], 'privid:age-band@1'), AGE_BAND_SCHEMA)).toEqual([]);
  });

  it('rejects unknown names, wrong types, ops that do not fit and the wrong schema', () => {
    expect(reasons(clause(['doseCount'], []))).toEqual(['/disclose/0 UNKNOWN_ATTRIBUTE']);
    expect(reasons(clause(['issuerKeyId'], []))).toEqual(['/disclose/0 NOT_DISCLOSABLE']);
    expect(reasons(clause([], [c('testResult', 'eq', 'negatve')]))).toEqual([
      '/constraints/0/value INVALID_CONSTRAINT',
    ]);
    expect(reasons(clause([], [c('testResult', 'in', ['negative', 'nope'])]))).toEqual([
      '/constraints/0/value/1 INVALID_CONSTRAINT',
    ]);
    expect(reasons(clause([], [c('testResult', 'gte', 'negative')]))).toEqual(['/constraints/0/op INVALID_CONSTRAINT']);
    expect(reasons(clause([], [c('sampleDay', 'gte', 'yesterday')]))).toEqual([
      '/constraints/0/value INVALID_CONSTRAINT',
    ]);
    expect(reasons(clause(['sampleDay'], [c('sampleDay', 'in', ['today'])]))).toEqual([
      '/constraints/0/value/0 INVALID_CONSTRAINT',
    ]);
    // A hidden day or count: only a bound can be proven (an exact value or a short list pins it).
    expect(reasons(clause([], [c('sampleDay', 'in', [20000, 20001])]))).toEqual([
      '/constraints/0/op INVALID_CONSTRAINT',
    ]);
    expect(
      reasons(clause([], [c('doseCount', 'eq', 3)], 'privid:vaccination-record@1'), VACCINATION_RECORD_SCHEMA),
    ).toEqual(['/constraints/0/op INVALID_CONSTRAINT']);
    expect(
      reasons(
        clause(['doseCount'], [c('doseCount', 'eq', 3)], 'privid:vaccination-record@1'),
        VACCINATION_RECORD_SCHEMA,
      ),
    ).toEqual([]);
    expect(reasons(clause([], [c('validUntil', 'gte', true)]))).toEqual(['/constraints/0/value INVALID_CONSTRAINT']);
    expect(reasons(clause([], [c('ageOver18', 'eq', 'true')], 'privid:age-band@1'), AGE_BAND_SCHEMA)).toEqual([
      '/constraints/0/value INVALID_CONSTRAINT',
    ]);
    expect(
      reasons(clause([], [c('doseCount', 'gte', 'today')], 'privid:vaccination-record@1'), VACCINATION_RECORD_SCHEMA),
    ).toEqual(['/constraints/0/value INVALID_CONSTRAINT']);
    expect(reasons(clause([], [c('testResult', 'in', 'negative')]))).toEqual([
      '/constraints/0/value INVALID_CONSTRAINT',
    ]);
    expect(reasons(clause([], [c('nope', 'eq', 1)]))).toEqual(['/constraints/0/attribute UNKNOWN_ATTRIBUTE']);
    expect(reasons(clause([], []), AGE_BAND_SCHEMA)).toEqual(['/schemaRef SCHEMA_MISMATCH']);
  });
});
