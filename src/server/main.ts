/**
 * `npm start`: runs the privid server with the settings in the environment (see config.ts).
 *
 * On the first start against a database it prints a one-time admin token to stderr, as one plain line
 * starting "PRIVID ADMIN TOKEN": not to stdout, where the JSON log lines go and log collectors read,
 * and not through the logger. Only its hash is stored. A lost admin token is replaced with
 * `npm start -- --reset-admin-token`, which revokes the old one and prints a new one.
 */
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from './config.js';
import { buildServer, type PrividServer } from './server.js';

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, availableParallelism());
  const resetAdminToken = process.argv.slice(2).includes('--reset-admin-token');
  const server = await buildServer(config, { resetAdminToken });
  installShutdown(server);
  const address = await server.app.listen({ port: config.port, host: config.host });

  if (server.initialAdminToken) {
    process.stderr.write(
      `PRIVID ADMIN TOKEN (shown once, only its hash is stored; use as "Authorization: Bearer <token>" on /v1/admin): ` +
        `${server.initialAdminToken}\n`,
    );
  }
  print();
  print(`privid is running (roles: ${[...config.roles].join(', ')}; database: ${server.db.kind})`);
  print(`  URL:         ${address}`);
  print(`  Public URL:  ${config.publicUrl}`);
  print(`  Swagger UI:  ${address}/docs`);
  print(`  OpenAPI:     ${address}/docs/json`);
  if (server.initialAdminToken) {
    print('  Admin token: printed once to stderr (the line starting PRIVID ADMIN TOKEN); keep it in a secret store.');
  }
  print();
}

function installShutdown(server: PrividServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`privid: error while shutting down: ${describe(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  const hint = error instanceof ConfigError ? ' (check the settings: see the README)' : '';
  process.stderr.write(`privid: cannot start: ${describe(error)}${hint}\n`);
  process.exit(1);
});
