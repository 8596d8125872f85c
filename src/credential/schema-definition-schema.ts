/**
 * JSON Schema of a credential schema definition, as an issuer registers it: for the server's
 * OpenAPI document. Server-side (TypeBox); `validateSchemaDefinition` (schema.ts) is what
 * checks definitions, with clearer errors, everywhere.
 */
import Type from 'typebox';
import { WELL_FORMED_TEXT_PATTERN } from './text.js';
import {
  ATTRIBUTE_NAME_PATTERN,
  ENUM_VALUE_PATTERN,
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_DESCRIPTION_LENGTH,
  MAX_ENUM_VALUES,
  MAX_ENUM_VALUE_LENGTH,
  MAX_SCHEMA_DESCRIPTION_LENGTH,
  MAX_SCHEMA_ID_LENGTH,
  MAX_SCHEMA_VERSION,
  MAX_STRING_LENGTH,
  MAX_TITLE_LENGTH,
  SCHEMA_ID_PATTERN,
} from './schema.js';
import { MAX_INVARIANTS, MAX_INVARIANT_CONSEQUENCES } from './invariants.js';

const attributeName = Type.String({ pattern: ATTRIBUTE_NAME_PATTERN, maxLength: 32 });
const attributeDescription = Type.Optional(
  Type.String({ maxLength: MAX_ATTRIBUTE_DESCRIPTION_LENGTH, pattern: WELL_FORMED_TEXT_PATTERN }),
);
const closed = { additionalProperties: false } as const;

/** One side of an invariant (invariants.ts); which tests fit which attribute type is checked there. */
const invariantCondition = Type.Object(
  {
    attribute: attributeName,
    in: Type.Optional(
      Type.Array(
        Type.Union([
          Type.String({ maxLength: MAX_ENUM_VALUE_LENGTH, pattern: WELL_FORMED_TEXT_PATTERN }),
          Type.Boolean(),
          Type.Integer(),
        ]),
        {
          minItems: 1,
          maxItems: MAX_ENUM_VALUES,
          uniqueItems: true,
        },
      ),
    ),
    min: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    max: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    notAfter: Type.Optional(attributeName),
    notBefore: Type.Optional(attributeName),
  },
  { ...closed, description: 'attribute (or validFrom/validUntil) and one or more tests, all of which must hold' },
);

/**
 * JSON Schema of a credential schema definition, as an issuer registers it. Structural only:
 * `validateSchemaDefinition` also checks uniqueness, bounds order and reserved names.
 */
export const CredentialSchemaDefinition = Type.Object(
  {
    id: Type.String({ pattern: SCHEMA_ID_PATTERN, maxLength: MAX_SCHEMA_ID_LENGTH }),
    version: Type.Integer({ minimum: 1, maximum: MAX_SCHEMA_VERSION }),
    title: Type.String({ minLength: 1, maxLength: MAX_TITLE_LENGTH, pattern: WELL_FORMED_TEXT_PATTERN }),
    description: Type.Optional(
      Type.String({ maxLength: MAX_SCHEMA_DESCRIPTION_LENGTH, pattern: WELL_FORMED_TEXT_PATTERN }),
    ),
    attributes: Type.Array(
      Type.Union([
        Type.Object(
          {
            name: attributeName,
            type: Type.Literal('enum'),
            values: Type.Array(Type.String({ pattern: ENUM_VALUE_PATTERN, maxLength: MAX_ENUM_VALUE_LENGTH }), {
              minItems: 1,
              maxItems: MAX_ENUM_VALUES,
              uniqueItems: true,
            }),
            description: attributeDescription,
          },
          closed,
        ),
        Type.Object(
          {
            name: attributeName,
            type: Type.Literal('string'),
            maxLength: Type.Integer({ minimum: 1, maximum: MAX_STRING_LENGTH }),
            description: attributeDescription,
          },
          closed,
        ),
        Type.Object(
          {
            name: attributeName,
            type: Type.Literal('integer'),
            min: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
            max: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
            description: attributeDescription,
          },
          closed,
        ),
        Type.Object({ name: attributeName, type: Type.Literal('boolean'), description: attributeDescription }, closed),
        Type.Object({ name: attributeName, type: Type.Literal('date'), description: attributeDescription }, closed),
      ]),
      { minItems: 1, maxItems: MAX_ATTRIBUTES },
    ),
    invariants: Type.Optional(
      Type.Array(
        Type.Object(
          {
            if: Type.Optional(invariantCondition),
            then: Type.Array(invariantCondition, { minItems: 1, maxItems: MAX_INVARIANT_CONSEQUENCES }),
          },
          closed,
        ),
        {
          maxItems: MAX_INVARIANTS,
          description:
            'Rules between values that offers must keep, e.g. { if: { attribute: "band", in: ["under-18"] }, then: [{ attribute: "ageOver18", in: [false] }] }',
        },
      ),
    ),
  },
  closed,
);
