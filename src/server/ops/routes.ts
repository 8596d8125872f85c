/**
 * Liveness and readiness, for orchestrators and load balancers. Unauthenticated, not rate
 * limited, and they say nothing about the data.
 */
import Type from 'typebox';
import { ApiError } from '../errors.js';
import type { App, ServerContext } from '../server.js';
import { closed, ok, problemResponses } from './http.js';

const Health = closed({ status: Type.Literal('ok') });
const Ready = closed({
  status: Type.Literal('ready'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

export async function opsRoutes(app: App, ctx: ServerContext): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['ops'],
        summary: 'Liveness: the process is up',
        security: [],
        response: { 200: ok(Health, 'The process is up.', { status: 'ok' }), ...problemResponses() },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness: the database answers',
        security: [],
        response: {
          200: ok(Ready, 'Ready to serve requests.', { status: 'ready', database: 'postgres' }),
          ...problemResponses('UNAVAILABLE'),
        },
      },
    },
    async () => {
      try {
        // A read of a real table, not SELECT 1: a damaged or unreachable database, a missing schema or
        // a lost permission fail it, where SELECT 1 would still answer.
        await ctx.db.prisma.$queryRaw`SELECT id FROM api_keys LIMIT 1`;
      } catch {
        throw new ApiError('UNAVAILABLE', 'the database is not reachable');
      }
      return { status: 'ready' as const, database: ctx.db.kind };
    },
  );
}
