import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyBackupConflictDetails, KeyBackupResponse, KeyBackupVersionResponse, MAX_KEY_BACKUP_BYTES } from '@cipherlink/proto';
import { startTestStack, TestHttp } from './harness';
import type { Stack } from '../src/stack';

/** The encrypted key backup through the whole stack (directory, real auth tokens, account deletion). */

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const put = (http: TestHttp, version: number, blob: string) => http.request('PUT', '/api/directory/key-backup', { version, blob });
const get = (http: TestHttp) => http.request('GET', '/api/directory/key-backup');
const blobOf = (bytes: number) => randomBytes(bytes).toString('base64url');

async function signedUp(): Promise<TestHttp & { password: string; userId: string }> {
  const http = new TestHttp(stack.url);
  const { password, user } = await http.signUp();
  return Object.assign(http, { password, userId: user.id });
}

describe('key backup (full stack)', () => {
  it('versions with optimistic concurrency: 1 first, then current + 1; a conflict reports the current version', async () => {
    const http = await signedUp();
    expect((await get(http)).status).toBe(404);
    const tooFar = await put(http, 2, blobOf(100));
    expect(tooFar.status).toBe(409);
    expect(KeyBackupConflictDetails.parse(tooFar.body.error.details)).toEqual({ currentVersion: 0 });

    const first = blobOf(1000);
    const stored = await put(http, 1, first);
    expect(stored.status).toBe(200);
    expect(KeyBackupVersionResponse.parse(stored.body).version).toBe(1);
    expect(KeyBackupResponse.parse((await get(http)).body)).toMatchObject({ version: 1, blob: first });

    // A second device that last saw no backup loses the race and learns the version to merge on top of.
    const stale = await put(http, 1, blobOf(1000));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'conflict', details: { currentVersion: 1 } });
    expect((await put(http, 3, blobOf(10))).status).toBe(409);

    const second = blobOf(2000);
    expect((await put(http, 2, second)).status).toBe(200);
    expect(KeyBackupResponse.parse((await get(http)).body)).toMatchObject({ version: 2, blob: second });
  });

  it('accepts 1 MiB and refuses more', async () => {
    const http = await signedUp();
    const largest = blobOf(MAX_KEY_BACKUP_BYTES);
    expect((await put(http, 1, largest)).status).toBe(200);
    expect((await get(http)).body.blob).toBe(largest);
    const over = await put(http, 2, blobOf(MAX_KEY_BACKUP_BYTES + 3));
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('bad_request');
    // Far over: refused by the body limit before it is parsed.
    const huge = await put(http, 2, blobOf(2 * MAX_KEY_BACKUP_BYTES));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    expect((await get(http)).body.version).toBe(1);
    // Other directory routes keep the small default limit.
    const bigRoom = await http.request('POST', '/api/directory/rooms', { name: 'x'.repeat(100 * 1024) });
    expect(bigRoom.status).toBe(413);
  });

  it("is the owner's only: another user reads their own (none) and cannot overwrite it", async () => {
    const [alice, mallory] = await Promise.all([signedUp(), signedUp()]);
    const secret = blobOf(500);
    await put(alice, 1, secret);
    expect((await get(mallory)).status).toBe(404);
    expect((await put(mallory, 2, blobOf(500))).status).toBe(409);
    expect((await put(mallory, 1, blobOf(500))).status).toBe(200);
    expect(KeyBackupResponse.parse((await get(alice)).body).blob).toBe(secret);
    expect((await new TestHttp(stack.url).request('GET', '/api/directory/key-backup')).status).toBe(401);
  });

  it('is deleted with the account', async () => {
    const http = await signedUp();
    await put(http, 1, blobOf(100));
    expect((await http.request('POST', '/api/auth/account/delete', { password: http.password })).status).toBe(204);
    // The directory applies the deletion from auth's user-deleted event: the backup row goes with the user.
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const backupRows = async () => (await db.query('SELECT 1 FROM directory_key_backups WHERE user_id = $1', [http.userId])).rowCount;
      const deadline = Date.now() + 10_000;
      while ((await backupRows()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await backupRows()).toBe(0);
    } finally {
      await db.end();
    }
  });
});
