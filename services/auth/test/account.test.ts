import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams, subjects, UserDeletedEvent } from '@cipherlink/proto';
import { eventually, expectCookieCleared, expectError, ORIGIN, PASSWORD, sessionRow, startAuth, watchSessionsRevoked, type AuthInstance } from './harness';
import { uniqueName } from './http-client';

const NEW_PASSWORD = 'a completely different passphrase';
let auth: AuthInstance;

beforeAll(async () => {
  auth = await startAuth();
});

afterAll(async () => {
  await auth?.close();
});

async function expectSessionEnded(session: { tokens: { accessToken: string }; refreshToken: string }) {
  expectError(await auth.get('/api/auth/me', { bearer: session.tokens.accessToken }), 401, 'unauthorized');
  expectError(await auth.post('/api/auth/refresh', { refreshToken: session.refreshToken }), 401, 'unauthorized');
}

describe('change password', () => {
  it('checks the current password and the policy, then re-hashes and ends every other session', async () => {
    const watch = watchSessionsRevoked(auth.nats);
    try {
      const user = await auth.register();
      const [a, b] = [await auth.login(user.username), await auth.login(user.username)];
      const change = (body: unknown, bearer = a.tokens.accessToken) => auth.post('/api/auth/password', { bearer, json: body });

      expectError(await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, 'a.b.c'), 401, 'unauthorized');
      const wrong = await change({ currentPassword: 'not my password', newPassword: NEW_PASSWORD });
      expectError(wrong, 403, 'forbidden');
      expect(wrong.body.error.message).toBe('current password is incorrect');
      expectError(await change({ currentPassword: PASSWORD, newPassword: 'too short' }), 400, 'bad_request');
      const policy = await change({ currentPassword: PASSWORD, newPassword: `${user.username} forever and ever` });
      expectError(policy, 400, 'bad_request');
      expect(policy.body.error).toMatchObject({ message: 'password must not contain your username', details: [{ path: 'newPassword' }] });
      expectError(await change({ currentPassword: PASSWORD }), 400, 'bad_request');
      // Nothing changed so far.
      expect((await auth.get('/api/auth/me', { bearer: b.tokens.accessToken })).status).toBe(200);

      expect((await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(204);
      expectError(await auth.post('/api/auth/login', { json: { username: user.username, password: PASSWORD } }), 401, 'unauthorized');
      expect((await auth.post('/api/auth/login', { json: { username: user.username, password: NEW_PASSWORD } })).status).toBe(200);
      await expectSessionEnded(b);
      expect(await sessionRow(auth.db, b.tokens.sessionId)).toMatchObject({ revoked_reason: 'password_changed' });
      expect((await auth.get('/api/auth/me', { bearer: a.tokens.accessToken })).status).toBe(200);
      expect((await auth.post('/api/auth/refresh', { refreshToken: a.refreshToken })).status).toBe(200);

      const events = await auth.db.query('SELECT kind, session_id FROM auth_security_events WHERE user_id = $1', [user.id]);
      expect(events.rows).toEqual([{ kind: 'password_changed', session_id: a.tokens.sessionId }]);
      await eventually(() =>
        expect(watch.events.filter((e) => e.userId === user.id)).toEqual([
          expect.objectContaining({ sessionIds: [b.tokens.sessionId], allSessions: false, reason: 'password_changed' }),
        ]),
      );
    } finally {
      watch.stop();
    }
  });
});

describe('delete account', () => {
  it('checks the password, ends every session, deletes the user, frees the username and publishes user-deleted', async () => {
    const watch = watchSessionsRevoked(auth.nats);
    try {
      const user = await auth.register();
      const [a, b] = [await auth.login(user.username), await auth.login(user.username)];
      const del = (password: string, headers: Record<string, string> = { origin: ORIGIN }) =>
        auth.post('/api/auth/account/delete', { bearer: a.tokens.accessToken, refreshToken: a.refreshToken, json: { password }, headers });

      expectError(await del('not my password'), 403, 'forbidden');
      expectError(await del(PASSWORD, { origin: 'https://evil.example' }), 403, 'forbidden');
      expect((await auth.get('/api/auth/me', { bearer: b.tokens.accessToken })).status).toBe(200);

      const before = (await auth.nats.jsm.streams.info(streams.events.name)).state.last_seq;
      const res = await del(PASSWORD);
      expect(res.status).toBe(204);
      expectCookieCleared(res);

      await expectSessionEnded(a);
      await expectSessionEnded(b);
      expectError(await auth.post('/api/auth/login', { json: { username: user.username, password: PASSWORD } }), 401, 'unauthorized');
      for (const table of ['auth_users', 'auth_sessions', 'auth_security_events']) {
        const column = table === 'auth_users' ? 'id' : 'user_id';
        expect((await auth.db.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [user.id])).rowCount).toBe(0);
      }

      // Durable event for the directory, deduplicated by its message id.
      const after = (await auth.nats.jsm.streams.info(streams.events.name)).state.last_seq;
      let found: { data: UserDeletedEvent; msgId: string | undefined } | undefined;
      for (let seq = after; seq > before && !found; seq--) {
        const m = await auth.nats.jsm.streams.getMessage(streams.events.name, { seq }).catch(() => undefined);
        if (m?.subject !== subjects.evt.userDeleted) continue;
        const data = UserDeletedEvent.parse(m.json());
        if (data.userId === user.id) found = { data, msgId: m.header.get('Nats-Msg-Id') };
      }
      expect(found?.data).toMatchObject({ v: 1, userId: user.id });
      expect(found?.msgId).toBe(`deleted-${user.id}`);
      await eventually(() =>
        expect(watch.events.filter((e) => e.userId === user.id)).toEqual([expect.objectContaining({ allSessions: true, reason: 'account_deleted' })]),
      );

      // The username is free again (a new account, a new id).
      const again = await auth.register(user.username);
      expect(again.id).not.toBe(user.id);
    } finally {
      watch.stop();
    }
  });

  it('refuses a token whose session has ended', async () => {
    const user = await auth.register(uniqueName('gone'));
    const a = await auth.login(user.username);
    await auth.post('/api/auth/logout', { bearer: a.tokens.accessToken });
    expectError(await auth.post('/api/auth/account/delete', { bearer: a.tokens.accessToken, json: { password: PASSWORD } }), 401, 'unauthorized');
    expect((await auth.db.query('SELECT 1 FROM auth_users WHERE id = $1', [user.id])).rowCount).toBe(1);
  });
});
