// Text that no database can store (U+0000, unpaired UTF-16 surrogates) is a 400 naming the property on
// every text field of every route, never a 500, and leaves the stored data as it was.
//
// The fields are not listed by hand: they are read from the routes' own schemas (the OpenAPI document
// the server generates), so a route added later is covered without touching this file. Two checks:
// - statically, every string a request can carry (body, path, query, header) has a pattern that refuses
//   NUL and lone surrogates, or is a constant or an enum;
// - over HTTP, on both databases, each string of each route's example request is replaced by a value
//   with a NUL and by one with a lone surrogate, and each answer must be 400 VALIDATION_FAILED with an
//   error at that property.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isUnstorableTextError, toApiError } from '../../src/server/app.js';
import { generateOpenApi } from '../../src/server/openapi.js';
import type { FastifyError } from 'fastify';
import { bearer } from './support/api.js';
import { DB_KINDS, dumpTables, startTestServer, type TestServer } from './support/server.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema; example?: Json }> };
  security?: Record<string, unknown>[];
}

/** Strings no stored text may contain: each must be refused by every request string's schema. */
const UNSTORABLE = ['\u0000', 'a\u0000b', '\udfff', 'x\ud800', 'a\ud83d', '\ude00b', 'ok\u0000\ud83d\ude00'];

function resolve(doc: OpenApi, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '').replace(/#$/, '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return resolve(doc, target);
}

/** Every string-typed subschema (with where it is), following properties, items, unions and record keys. */
function stringSchemas(doc: OpenApi, schema: Schema, at: string, out: [string, Schema][], depth = 0): void {
  if (depth > 30) throw new Error(`${at}: schema nested too deep`);
  const s = resolve(doc, schema);
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type];
  if (types.includes('string')) out.push([at, s]);
  for (const [key, sub] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {})) {
    stringSchemas(doc, sub, `${at}/${key}`, out, depth + 1);
  }
  for (const [pattern, sub] of Object.entries((s.patternProperties as Record<string, Schema> | undefined) ?? {})) {
    out.push([`${at}/{key}`, { type: 'string', pattern }]);
    stringSchemas(doc, sub, `${at}/{${pattern}}`, out, depth + 1);
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    stringSchemas(doc, s.additionalProperties as Schema, `${at}/*`, out, depth + 1);
  }
  if (s.propertyNames && typeof s.propertyNames === 'object') {
    stringSchemas(doc, s.propertyNames as Schema, `${at}/{key}`, out, depth + 1);
  }
  if (s.items && typeof s.items === 'object') stringSchemas(doc, s.items as Schema, `${at}/*`, out, depth + 1);
  for (const keyword of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    ((s[keyword] as Schema[] | undefined) ?? []).forEach((sub, i) =>
      stringSchemas(doc, sub, `${at}(${keyword}${i})`, out, depth + 1),
    );
  }
}

/** Whether a string schema refuses every UNSTORABLE value, as ajv (RegExp with the u flag) applies it. */
function refusesUnstorable(s: Schema): boolean {
  if (s.const !== undefined || Array.isArray(s.enum)) return true;
  if (typeof s.pattern !== 'string') return false;
  const re = new RegExp(s.pattern, 'u');
  return UNSTORABLE.every((value) => !re.test(value));
}

function requestStrings(doc: OpenApi): { where: string; schema: Schema }[] {
  const found: { where: string; schema: Schema }[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const out: [string, Schema][] = [];
      for (const p of op.parameters ?? []) stringSchemas(doc, p.schema, `${p.in}:${p.name}`, out);
      const body = op.requestBody?.content['application/json'];
      if (body) stringSchemas(doc, body.schema, 'body', out);
      for (const [at, schema] of out) found.push({ where: `${method.toUpperCase()} ${path} ${at}`, schema });
    }
  }
  return found;
}

/** Every string leaf of a JSON value, as a key path. */
function stringLeaves(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...prefix, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...prefix, k]));
  }
  return [];
}

function withLeaf(root: Json, path: (string | number)[], replacement: string): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

const UUID = /^\^\[0-9a-f\]\{8\}/;
const SAMPLE_UUID = '00000000-0000-4000-8000-000000000000';

/** A value for a path or query parameter that its schema accepts. */
function parameterValue(p: Parameter): string {
  const s = p.schema;
  const example = (s.examples as string[] | undefined)?.[0] ?? (s.example as string | undefined);
  if (typeof example === 'string') return example;
  if (Array.isArray(s.enum)) return String(s.enum[0]);
  if (typeof s.pattern === 'string' && UUID.test(s.pattern)) return SAMPLE_UUID;
  if (p.name === 'kid') return 'ik_sample';
  return 'sample';
}

describe('request strings (static, from the route schemas)', () => {
  let doc: OpenApi;
  // Starting a server takes a while on a loaded machine.
  beforeAll(async () => {
    doc = (await generateOpenApi()) as unknown as OpenApi;
  }, 180_000);

  it('the probe values are what they claim (so that the check below can fail)', () => {
    const plain = { type: 'string' };
    expect(refusesUnstorable(plain)).toBe(false);
    expect(refusesUnstorable({ type: 'string', pattern: '^[^\\u0000]*$' })).toBe(false);
    expect(refusesUnstorable({ type: 'string', pattern: '^[A-Za-z]+$' })).toBe(true);
  });

  it('every string a request can carry refuses NUL and unpaired surrogates', () => {
    const strings = requestStrings(doc);
    expect(strings.length).toBeGreaterThan(50);
    const open = strings.filter(({ schema }) => !refusesUnstorable(schema)).map(({ where }) => where);
    expect(open, 'use Text() from src/server/ops/http.ts (or a stricter pattern) for these').toEqual([]);
  });
});

describe.each(DB_KINDS)('unstorable text over HTTP on %s', (kind) => {
  let t: TestServer;
  let doc: OpenApi;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer(kind, { env: { PRIVID_SUBMIT_RATE_LIMIT: '1000000', PRIVID_VERIFY_WORKERS: '0' } });
    doc = t.app.swagger() as unknown as OpenApi;
    tokens.adminToken = t.adminToken;
    const lab = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/labs',
      headers: bearer(t.adminToken),
      payload: { name: 'Text Lab' },
    });
    tokens.labKey = lab.json().key;
    const venue = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/venues',
      headers: bearer(t.adminToken),
      payload: { name: 'Text Venue' },
    });
    tokens.venueKey = venue.json().key;
    // First use of each key records its day: do it now, so that the dump below stays still.
    await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(tokens.labKey!) });
    await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(tokens.venueKey!) });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  function credentialsOf(op: Operation): Record<string, string> {
    const scheme = Object.keys(op.security?.[0] ?? {})[0];
    return scheme === undefined ? {} : bearer(tokens[scheme]!);
  }

  it('is a 400 naming the property on every string of every route, and stores nothing', async () => {
    // Rate counters count these very requests; dumpTables leaves them out (not stored data).
    const before = await dumpTables(t.server);
    const failures: string[] = [];
    let probes = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const params = op.parameters ?? [];
        const pathValues = new Map(params.filter((p) => p.in === 'path').map((p) => [p.name, parameterValue(p)]));
        const query = new Map(
          params.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, parameterValue(p)]),
        );
        const body = op.requestBody?.content['application/json']?.example;
        const send = (pathOverride?: [string, string], queryOverride?: [string, string], payload = body) => {
          const url =
            path.replace(/\{(\w+)\}/g, (_m, name: string) =>
              encodeURIComponent(pathOverride?.[0] === name ? pathOverride[1] : pathValues.get(name)!),
            ) +
            (() => {
              const q = new Map(query);
              if (queryOverride) q.set(queryOverride[0], queryOverride[1]);
              const text = [...q].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
              return text ? `?${text}` : '';
            })();
          return t.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: credentialsOf(op),
            ...(payload === undefined
              ? {}
              : {
                  payload: JSON.stringify(payload),
                  headers: { ...credentialsOf(op), 'content-type': 'application/json' },
                }),
          });
        };
        const expectRefused = async (
          what: string,
          errorPath: string,
          res: Awaited<ReturnType<typeof send>>,
        ): Promise<void> => {
          probes++;
          const problem = res.headers['content-type']?.toString().startsWith('application/problem+json')
            ? (res.json() as { code?: string; errors?: { path: string; message?: string }[] })
            : {};
          const named = (problem.errors ?? []).some((e) => e.path === errorPath);
          if (res.statusCode !== 400 || problem.code !== 'VALIDATION_FAILED' || !named) {
            failures.push(`${method.toUpperCase()} ${path} ${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          }
        };
        for (const value of ['a\u0000b', 'a\udfffb']) {
          const label = value.includes('\u0000') ? 'NUL' : 'lone surrogate';
          for (const leaf of body === undefined ? [] : stringLeaves(body)) {
            const pointer = leaf.map((k) => `/${String(k)}`).join('');
            await expectRefused(
              `body${pointer} with ${label}`,
              `body${pointer}`,
              await send(undefined, undefined, withLeaf(body!, leaf, value)),
            );
          }
          for (const p of params.filter((p) => p.in === 'path' || p.in === 'query')) {
            // A lone surrogate has no UTF-8 form, so a URL cannot carry one (encodeURIComponent throws):
            // the test below sends the nearest thing, the bytes %ED%BF%BF.
            if (label === 'lone surrogate') continue;
            const res = p.in === 'path' ? await send([p.name, value]) : await send(undefined, [p.name, value]);
            await expectRefused(
              `${p.in} ${p.name} with ${label}`,
              `${p.in === 'path' ? 'params' : 'querystring'}/${p.name}`,
              res,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(probes).toBeGreaterThan(100);
    expect(await dumpTables(t.server)).toEqual(before);
  });

  it('a URL with a percent-escape that is not UTF-8 (a lone surrogate) is a problem+json 400', async () => {
    for (const url of ['/v1/issuers/a%ED%BF%BFb', '/v1/requests/%ED%BF%BF', '/v1/offers/%ED%A0%80']) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(tokens.labKey!) });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('the net under the schemas: the database refusing text maps to a 400, not a 500', async () => {
    const error = await t.server.db.prisma.lab.create({ data: { name: 'net\u0000' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isUnstorableTextError(error)).toBe(true);
    expect(toApiError(error as FastifyError)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    // And an unrelated database error still is an internal one.
    const other = await t.server.db.prisma.$queryRawUnsafe('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(isUnstorableTextError(other)).toBe(false);
    expect(toApiError(other as FastifyError)).toMatchObject({ code: 'INTERNAL' });
  });
});
