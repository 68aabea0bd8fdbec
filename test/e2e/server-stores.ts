import pg from 'pg';
import { Redis } from 'ioredis';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

/**
 * Everything the servers keep, as text, for the "the server never sees plaintext" proof: every row of every table
 * in the database, every Redis key and value, every message in every JetStream stream.
 */
export async function dumpServerStores(opts: { databaseUrl: string; redisUrl?: string; natsUrl?: string }): Promise<Record<string, string>> {
  const dumps: Record<string, string> = {};

  const db = new pg.Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    const { rows: tables } = await db.query<{ schemaname: string; tablename: string }>(
      "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    );
    const parts: string[] = [];
    for (const t of tables) {
      const { rows } = await db.query(`SELECT t::text AS row FROM "${t.schemaname}"."${t.tablename}" t`);
      parts.push(`# ${t.tablename} (${rows.length} rows)`, ...rows.map((r: { row: string }) => r.row));
    }
    dumps.postgres = parts.join('\n');
  } finally {
    await db.end();
  }

  const redis = new Redis(opts.redisUrl ?? 'redis://127.0.0.1:6379');
  try {
    const parts: string[] = [];
    for (const key of await redis.keys('*')) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      parts.push(`${key} ${JSON.stringify(value)}`);
    }
    dumps.redis = parts.join('\n');
  } finally {
    redis.disconnect();
  }

  const nc = await connect({ servers: opts.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  try {
    const jsm = await jetstreamManager(nc);
    const parts: string[] = [];
    for await (const info of jsm.streams.list()) {
      const { first_seq, last_seq } = info.state;
      for (let seq = Math.max(first_seq, 1); seq <= last_seq && seq > 0; seq++) {
        try {
          const m = await jsm.streams.getMessage(info.config.name, { seq });
          if (m) parts.push(`${info.config.name} ${m.subject} ${m.string()}`);
        } catch {
          // deleted (work-queue ack) or expired
        }
      }
    }
    dumps.jetstream = parts.join('\n');
  } finally {
    await nc.close();
  }
  return dumps;
}

/**
 * The forms a plaintext could take if it leaked: as is, and base64/base64url/hex encoded at every byte alignment
 * (so a plaintext hidden inside an encoded field is still found).
 */
export function leakForms(plaintext: string): string[] {
  const forms = new Set<string>([plaintext]);
  for (let k = 0; k < 3; k++) {
    const bytes = Buffer.concat([Buffer.alloc(k, 0x41), Buffer.from(plaintext, 'utf8')]);
    for (const enc of ['base64', 'base64url'] as const) {
      const s = bytes.toString(enc).replace(/=+$/, '');
      forms.add(s.slice(4, -4));
    }
  }
  forms.add(Buffer.from(plaintext, 'utf8').toString('hex'));
  return [...forms].filter((f) => f.length >= 12);
}
