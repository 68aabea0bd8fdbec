import type pg from 'pg';
import { sleep } from './gateway-under-test';

/** The directory's query behind `conversations-of-user` (services/directory/src/store/conversation-store.ts). */
const LIST_QUERY = 'SELECT conversation_id FROM directory_members%';

/**
 * Keeps the real directory from answering `conversations-of-user` until released, with PostgreSQL itself: an
 * ACCESS EXCLUSIVE lock on `directory_members` makes its conversation-list query wait. Device checks
 * (`directory_devices`) still answer, so a socket gets as far as loading its conversations, and
 * `waitingListQuery()` says when it got there: the gateway asked and the directory is waiting for the list.
 */
export class DirectoryHold {
  private released = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly client: pg.PoolClient,
    private readonly pid: number,
  ) {}

  static async start(pool: pg.Pool): Promise<DirectoryHold> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '5s'`);
      await client.query('LOCK TABLE directory_members IN ACCESS EXCLUSIVE MODE');
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return new DirectoryHold(pool, client, rows[0]!.pid);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw err;
    }
  }

  /**
   * The backend whose conversation-list query waits on us, and its `application_name`: which of `directories` (the
   * `application_name`s of the directory processes of this test) runs it.
   */
  async waitingListQuery(directories: readonly string[], ms = 5_000): Promise<{ pid: number; applicationName: string }> {
    const deadline = Date.now() + ms;
    for (;;) {
      const { rows } = await this.pool.query<{ pid: number; application_name: string }>(
        `SELECT pid, application_name FROM pg_stat_activity
          WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE $2 AND application_name = ANY($3)`,
        [this.pid, LIST_QUERY, directories],
      );
      if (rows[0]) return { pid: rows[0].pid, applicationName: rows[0].application_name };
      if (Date.now() > deadline) throw new Error(`no conversation-list query waited on the hold within ${ms} ms`);
      await sleep(10);
    }
  }

  /** Let the waiting queries run (idempotent). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      await this.client.query('ROLLBACK');
    } finally {
      this.client.release();
    }
  }
}

/** Wait until the backend `pid` has finished its query (its result is on the way to its client). */
export async function untilQueryDone(pool: pg.Pool, pid: number, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { rows } = await pool.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rows[0]?.state === 'idle') return;
    if (Date.now() > deadline) throw new Error(`backend ${pid} still busy after ${ms} ms (${rows[0]?.state})`);
    await sleep(10);
  }
}
