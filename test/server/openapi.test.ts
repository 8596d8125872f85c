// The committed OpenAPI document is the one the routes produce, and it documents every route
// fully: request and response schemas, examples, tags, security, problem+json errors.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { formatOpenApi, generateOpenApi, OPENAPI_PATH } from '../../src/server/openapi.js';

type Json = Record<string, unknown>;

describe('openapi/openapi.json', () => {
  let generated: Json;
  beforeAll(async () => {
    generated = await generateOpenApi();
  });

  it('matches the routes (run `npm run openapi` after changing a route)', async () => {
    const committed = await readFile(fileURLToPath(new URL(`../../${OPENAPI_PATH}`, import.meta.url)), 'utf8');
    expect(committed, 'openapi/openapi.json is stale: run `npm run openapi` and commit the result').toBe(
      formatOpenApi(generated),
    );
  });

  it('documents every operation with tags, security, schemas and examples', () => {
    expect(generated.openapi).toBe('3.1.0');
    const paths = generated.paths as Record<string, Record<string, Json>>;
    const problems: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const where = `${method.toUpperCase()} ${path}`;
        if (!Array.isArray(op.tags) || op.tags.length === 0) problems.push(`${where}: no tags`);
        if (typeof op.summary !== 'string') problems.push(`${where}: no summary`);
        if (!Array.isArray(op.security)) problems.push(`${where}: no security requirement (use [] for public)`);
        const body = op.requestBody as Json | undefined;
        if (body) {
          const media = (body.content as Record<string, Json>)['application/json'];
          if (!media?.schema) problems.push(`${where}: request body without schema`);
          if (media?.example === undefined && media?.examples === undefined)
            problems.push(`${where}: request body without example`);
        }
        for (const parameter of (op.parameters as Json[] | undefined) ?? []) {
          if (!parameter.schema) problems.push(`${where}: parameter ${String(parameter.name)} without schema`);
        }
        if (method === 'post' && !body && !(op.parameters as Json[] | undefined)?.length) {
          problems.push(`${where}: POST without a request schema`);
        }
        const responses = op.responses as Record<string, Json>;
        const success = Object.keys(responses).filter((status) => status.startsWith('2'));
        if (success.length === 0) problems.push(`${where}: no success response`);
        for (const [status, response] of Object.entries(responses)) {
          if (status === '304') continue;
          const content = response.content as Record<string, Json> | undefined;
          // Successes are JSON, except images (the QR image routes), which need a schema but no example,
          // and the signed request object (a JWT: OpenID4VP's media type), which needs both.
          const image = status.startsWith('2') && Object.keys(content ?? {}).every((t) => t.startsWith('image/'));
          const jwt = status.startsWith('2') && content?.['application/oauth-authz-req+jwt'] !== undefined;
          const type = status.startsWith('2')
            ? image
              ? Object.keys(content ?? {})[0]!
              : jwt
                ? 'application/oauth-authz-req+jwt'
                : 'application/json'
            : 'application/problem+json';
          const media = content?.[type];
          if (!media?.schema) problems.push(`${where} ${status}: no ${type} schema`);
          if (media?.example === undefined && !image) problems.push(`${where} ${status}: no example`);
          if (!status.startsWith('2') && (media?.example as Json | undefined)?.status !== Number(status)) {
            problems.push(`${where} ${status}: example problem has another status`);
          }
        }
        if (!responses['500']) problems.push(`${where}: 500 not documented`);
      }
    }
    expect(problems).toEqual([]);
    expect(operations).toBeGreaterThanOrEqual(20);
  });

  it('declares the bearer security schemes and the shared schemas', () => {
    const components = generated.components as { securitySchemes: Json; schemas: Json };
    expect(Object.keys(components.securitySchemes)).toEqual(expect.arrayContaining(['adminToken', 'labKey']));
    expect(Object.keys(components.schemas)).toEqual(expect.arrayContaining(['Problem', 'IssuerKey', 'SchemaEntry']));
  });
});
