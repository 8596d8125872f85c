/**
 * Credential schemas in the database: the built-ins (seeded at every start, idempotently) and
 * the schemas the admin registers, either for one lab or for every lab. A registered `id@version`
 * is immutable: credentials already issued depend on its message layout.
 */
import type { Static } from 'typebox';
import {
  BUILTIN_SCHEMAS,
  canonicalLayoutJson,
  canonicalSchemaJson,
  formatSchemaRef,
  parseSchemaDefinition,
  validateSchemaDefinition,
  type CredentialSchema,
} from '../../credential/index.js';
import type { CredentialSchemaDefinition } from '../../credential/schema-definition-schema.js';
import { recordAudit, type Actor } from '../audit.js';
import { Prisma, type PrismaClient, type Schema as SchemaRow } from '../db/generated/client.js';
import { ApiError } from '../errors.js';

function toJson(schema: CredentialSchema): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(schema)) as Prisma.InputJsonObject;
}

export function schemaOfRow(row: Pick<SchemaRow, 'definition' | 'labId'>): CredentialSchema {
  return parseSchemaDefinition(row.definition, { allowReservedNamespace: row.labId === null });
}

/**
 * Inserts the built-in schemas that are missing, and refuses to start if a stored built-in's
 * layout differs from the code's (a built-in must change by a new version, never by an edit).
 * Its invariants follow the code: they constrain what is issued from now on, not what was signed.
 */
export async function seedBuiltinSchemas(prisma: PrismaClient): Promise<void> {
  await prisma.schema.createMany({
    data: BUILTIN_SCHEMAS.map((schema) => ({
      id: schema.id,
      version: schema.version,
      labId: null,
      definition: toJson(schema),
    })),
    skipDuplicates: true,
  });
  const stored = await prisma.schema.findMany({
    where: { OR: BUILTIN_SCHEMAS.map((schema) => ({ id: schema.id, version: schema.version })) },
  });
  for (const builtin of BUILTIN_SCHEMAS) {
    const row = stored.find((r) => r.id === builtin.id && r.version === builtin.version);
    const storedSchema = row ? schemaOfRow(row) : undefined;
    if (!storedSchema || canonicalLayoutJson(storedSchema) !== canonicalLayoutJson(builtin)) {
      throw new Error(
        `the stored built-in schema ${formatSchemaRef(builtin)} differs from this version of privid: ` +
          'a built-in schema must change by a new version, never by an edit',
      );
    }
    if (canonicalSchemaJson(storedSchema) !== canonicalSchemaJson(builtin)) {
      await prisma.schema.update({
        where: { id_version: { id: builtin.id, version: builtin.version } },
        data: { definition: toJson(builtin) },
      });
    }
  }
}

export interface SchemaEntry {
  ref: string;
  /** The lab that may issue it, or null for a schema every lab may issue (built-ins included). */
  labId: string | null;
  builtin: boolean;
  createdAt: string;
  definition: Static<typeof CredentialSchemaDefinition>;
}

export function schemaEntry(row: SchemaRow): SchemaEntry {
  const definition = schemaOfRow(row);
  return {
    ref: formatSchemaRef(definition),
    labId: row.labId,
    builtin: row.labId === null && definition.id.startsWith('privid:'),
    createdAt: row.createdAt.toISOString(),
    definition: JSON.parse(JSON.stringify(definition)) as Static<typeof CredentialSchemaDefinition>,
  };
}

const ORDER = [{ id: 'asc' as const }, { version: 'asc' as const }];

/** Every schema, or those a lab may issue: the shared ones and its own. */
export async function listSchemas(prisma: PrismaClient, labId?: string): Promise<SchemaEntry[]> {
  const rows = await prisma.schema.findMany({
    where: labId === undefined ? {} : { OR: [{ labId: null }, { labId }] },
    orderBy: ORDER,
  });
  return rows.map(schemaEntry);
}

/** The schema `id@version` if this lab may issue it. */
export async function schemaForLab(
  prisma: PrismaClient,
  labId: string,
  id: string,
  version: number,
): Promise<CredentialSchema | undefined> {
  const row = await prisma.schema.findUnique({ where: { id_version: { id, version } } });
  if (!row || (row.labId !== null && row.labId !== labId)) return undefined;
  return schemaOfRow(row);
}

/**
 * Registers a schema definition (validated with privid/credential's rules; the `privid:`
 * namespace is reserved). Registering the identical definition again returns the stored one
 * (`created: false`); a different definition under a registered `id@version`, or a new version of
 * an id that another owner registered, is a SCHEMA_CONFLICT.
 */
export async function registerSchema(
  prisma: PrismaClient,
  actor: Actor,
  json: unknown,
  labId: string | null,
): Promise<{ entry: SchemaEntry; created: boolean }> {
  const result = validateSchemaDefinition(json);
  if (!result.ok) {
    throw new ApiError('VALIDATION_FAILED', 'the schema definition is not valid', {
      errors: result.issues.map((issue) => ({ path: `body/definition${issue.path}`, message: issue.message })),
    });
  }
  const schema = result.schema;
  if (labId !== null && !(await prisma.lab.findUnique({ where: { id: labId } }))) {
    throw new ApiError('NOT_FOUND', 'no such lab');
  }
  const attempt = async () =>
    prisma.$transaction(async (tx) => {
      const sameId = await tx.schema.findMany({ where: { id: schema.id } });
      const existing = sameId.find((row) => row.version === schema.version);
      if (existing) {
        if (existing.labId === labId && canonicalSchemaJson(schemaOfRow(existing)) === canonicalSchemaJson(schema)) {
          return { entry: schemaEntry(existing), created: false };
        }
        throw new ApiError('SCHEMA_CONFLICT', `${formatSchemaRef(schema)} is already registered differently`);
      }
      if (sameId.some((row) => row.labId !== labId)) {
        throw new ApiError('SCHEMA_CONFLICT', `the schema id ${schema.id} belongs to another owner`);
      }
      const row = await tx.schema.create({
        data: { id: schema.id, version: schema.version, labId, definition: toJson(schema) },
      });
      await recordAudit(tx, actor, 'schema.registered', formatSchemaRef(schema));
      return { entry: schemaEntry(row), created: true };
    });
  try {
    return await attempt();
  } catch (error) {
    // Two registrations of the same id@version at once: the loser sees the winner's row.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return attempt();
    throw error;
  }
}
