import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from './logger';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

export function createPgPool(databaseUrl: string, opts: { max?: number; applicationName: string }): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10, application_name: opts.applicationName });
  // An idle client error must not crash the process; the pool replaces the client.
  pool.on('error', () => undefined);
  return pool;
}

/** Run `fn` in one transaction on one pooled client: COMMIT when it resolves, ROLLBACK when it throws. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Create the database named in `databaseUrl` if it does not exist (connects to the `postgres` database). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[a-zA-Z0-9_]+$/.test(name)) throw new Error('database name must match [a-zA-Z0-9_]+');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Another process created it concurrently.
        if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Apply a service's SQL migrations (node-pg-migrate, `.sql` files). Idempotent and safe to run from several
 * processes at once (node-pg-migrate holds an advisory lock). Each service keeps its own migrations table.
 */
export async function migrate(opts: { databaseUrl: string; dir: string; service: string; logger: Logger }): Promise<void> {
  await ensureDatabase(opts.databaseUrl);
  const log = opts.logger.child({ module: 'migrate' });
  await runner({
    databaseUrl: opts.databaseUrl,
    dir: opts.dir,
    direction: 'up',
    migrationsTable: `pgmigrations_${opts.service.replace(/-/g, '_')}`,
    count: Infinity,
    checkOrder: true,
    // The advisory lock is one for every service; node-pg-migrate's default ('fail') would end a process that starts
    // while another one (any service) migrates. Wait for it instead.
    advisoryLockMode: 'wait',
    verbose: false,
    log: (msg: string) => log.debug(msg),
  });
}
