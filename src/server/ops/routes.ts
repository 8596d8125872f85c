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
        await ctx.db.prisma.$queryRaw`SELECT 1 AS up`;
      } catch {
        throw new ApiError('UNAVAILABLE', 'the database is not reachable');
      }
      return { status: 'ready' as const, database: ctx.db.kind };
    },
  );
}
