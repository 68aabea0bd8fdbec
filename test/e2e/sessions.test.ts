import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { createNodeClient, type CipherLinkClient, type DecryptedMessage } from '@cipherlink/client/node';
import { E2E_PASSWORD, expectSignedIn, signUp, startE2e, type E2eWorld } from './harness';
import { restoreFromRecoveryKey } from './recovery';

/**
 * Sessions in real browsers: two tabs of one browser share one refresh cookie and stay signed in across access
 * token expiries with one refresh per expiry (Web Lock + BroadcastChannel in the SDK); a session revoked from
 * another browser returns to the sign-in screen with a message; password change and account deletion via the UI.
 */

/** Short-lived access tokens, so the test sees several expiries. */
const TTL_SECONDS = 8;
const password = E2E_PASSWORD;
const suffix = Date.now().toString(36);

let world: E2eWorld;
const nodeClients: CipherLinkClient[] = [];

const newContext = () => world.newContext();
const openPage = (context: BrowserContext) => world.openPage(context);

async function signIn(page: Page, username: string, pw = password) {
  await page.getByTestId('auth-username').fill(username);
  await page.getByTestId('auth-password').fill(pw);
  await page.getByTestId('auth-signin').click();
}

async function send(page: Page, text: string) {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('send').click();
  await expect
    .poll(() => page.locator('[data-testid="message"][data-mine="true"]', { hasText: text }).getAttribute('data-status'), { timeout: 15_000 })
    .toBe('sent');
}

async function expectMessage(page: Page, text: string, mine: boolean) {
  await expect.poll(() => page.locator(`[data-testid="message"][data-mine="${mine}"]`, { hasText: text }).count(), { timeout: 15_000 }).toBe(1);
}

function nextMessage(client: CipherLinkClient, text: string): Promise<DecryptedMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no message "${text}"`))), 15_000);
    const off = client.on('message', (m) => {
      if (m.body.kind === 'text' && m.body.text === text) {
        clearTimeout(timer);
        off();
        resolve(m);
      }
    });
  });
}

beforeAll(async () => {
  world = await startE2e('sessions', { env: { ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) }, logLevel: 'info' });
}, 120_000);

afterAll(async () => {
  for (const c of nodeClients) await c.close().catch(() => undefined);
  await world?.close();
});

describe('two tabs of one browser share one session', () => {
  it('stay signed in across access-token expiries with one refresh per expiry, and keep chatting', async () => {
    const me = `tabs${suffix}`;
    const peerName = `peer${suffix}`;
    // The peer is an SDK client in Node: a real user of the same stack, outside the browser being measured.
    const peer = createNodeClient({ baseUrl: world.stack.url });
    nodeClients.push(peer);
    await peer.register(peerName, password);
    await peer.login(peerName, password);

    const context = await newContext();
    const refreshes: number[] = [];
    context.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/auth/refresh') refreshes.push(Date.now());
    });
    const tab1 = await openPage(context);
    await signUp(tab1, me);
    const tab2 = await openPage(context);
    await expectSignedIn(tab2, me);

    await tab1.getByTestId('new-dm-username').fill(peerName);
    await tab1.getByTestId('new-dm-start').click();
    await tab1.locator(`[data-testid="conversation-item"][data-peer="${peerName}"]`).click();
    await expect.poll(() => tab2.locator(`[data-testid="conversation-item"][data-peer="${peerName}"]`).count(), { timeout: 15_000 }).toBe(1);
    await tab2.locator(`[data-testid="conversation-item"][data-peer="${peerName}"]`).click();
    const dm = (await peer.conversations())[0]!;

    // Wait for the next refresh (due at 70-80% of the token's lifetime), then for the token it replaced to expire.
    const before = refreshes.length;
    await expect.poll(() => refreshes.length, { timeout: TTL_SECONDS * 1000 + 5_000, interval: 100 }).toBeGreaterThan(before);
    const refreshedAt = refreshes[before]!;
    await new Promise((r) => setTimeout(r, Math.max(0, refreshedAt + 0.3 * TTL_SECONDS * 1000 + 1_000 - Date.now())));
    // One refresh for both tabs: the other tab adopted the broadcast token instead of spending the cookie again.
    expect(refreshes.length - before).toBe(1);

    // Both tabs still work, over REST and over the socket, with the token the first tab obtained.
    const fromTab1 = nextMessage(peer, 'from tab 1 after the expiry');
    await send(tab1, 'from tab 1 after the expiry');
    await fromTab1;
    await expectMessage(tab2, 'from tab 1 after the expiry', true);
    const fromTab2 = nextMessage(peer, 'from tab 2 after the expiry');
    await send(tab2, 'from tab 2 after the expiry');
    await fromTab2;
    await peer.sendText(dm.id, 'from the peer after the expiry');
    await expectMessage(tab1, 'from the peer after the expiry', false);
    await expectMessage(tab2, 'from the peer after the expiry', false);
    for (const tab of [tab1, tab2]) {
      await tab.getByTestId('sessions-open').click();
      await expect.poll(() => tab.locator('[data-testid="session-item"][data-current="true"]').count(), { timeout: 10_000 }).toBe(1);
      await tab.getByTestId('security-close').click();
    }

    // Since both tabs were signed in: never two refreshes for one expiry (they are a good part of a lifetime apart).
    // Before that, each tab's page load tried the cookie once (resume), which is not a refresh of an expiry.
    const measured = refreshes.slice(before - 1);
    const gaps = measured.slice(1).map((t, i) => t - measured[i]!);
    expect(gaps.every((g) => g > TTL_SECONDS * 1000 * 0.5), `refresh gaps ${gaps.join(', ')} ms`).toBe(true);

    // Logging out in one tab signs the other tab out too (same session), with a message saying why.
    await tab1.getByTestId('signout').click();
    await expect.poll(() => tab1.getByTestId('auth-username').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => tab2.getByTestId('auth-notice').textContent(), { timeout: 10_000 }).toContain('You signed out in another tab');
  });
});

describe('sessions screen', () => {
  it('lists both browsers of a user; revoking one returns it to sign-in with a message within seconds', async () => {
    const me = `revoke${suffix}`;
    const pageA = await openPage(await newContext());
    const recoveryKey = await signUp(pageA, me);
    // Another browser: signed in, then it restores the user's end-to-end keys with the recovery key.
    const pageB = await openPage(await newContext());
    await signIn(pageB, me);
    await restoreFromRecoveryKey(pageB, recoveryKey);
    await expectSignedIn(pageB, me);

    await pageA.getByTestId('sessions-open').click();
    await expect.poll(() => pageA.getByTestId('session-item').count(), { timeout: 10_000 }).toBe(2);
    const current = pageA.locator('[data-testid="session-item"][data-current="true"]');
    await expect.poll(() => current.getByTestId('session-this-device').count()).toBe(1);
    const other = pageA.locator('[data-testid="session-item"][data-current="false"]');
    expect(await other.getByTestId('session-device').textContent()).toMatch(/Chrom/);
    expect(await current.getByTestId('session-revoke').count()).toBe(0);

    await other.getByTestId('session-revoke').click();
    const revokedAt = Date.now();
    await expect.poll(() => pageB.getByTestId('auth-notice').textContent(), { timeout: 5_000, interval: 100 }).toContain('this session was ended');
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    expect(await pageB.getByTestId('auth-username').count()).toBe(1);

    // A's list now shows only itself, and the revocation is in the security activity.
    await expect.poll(() => pageA.getByTestId('session-item').count(), { timeout: 10_000 }).toBe(1);
    await pageA.getByTestId('sessions-reload').click();
    await expect.poll(() => pageA.locator('[data-testid="security-event"][data-kind="session_revoked"]').count(), { timeout: 10_000 }).toBe(1);
  });

  it('changes the password (errors shown, other sessions signed out) and deletes the account after confirmation', async () => {
    const me = `account${suffix}`;
    const newPassword = 'a much longer brand new passphrase';
    const pageA = await openPage(await newContext());
    const recoveryKey = await signUp(pageA, me);
    // Another browser: signed in, then it restores the user's end-to-end keys with the recovery key.
    const pageB = await openPage(await newContext());
    await signIn(pageB, me);
    await restoreFromRecoveryKey(pageB, recoveryKey);
    await expectSignedIn(pageB, me);
    await pageA.getByTestId('sessions-open').click();

    // Too short: refused before it reaches the server, with the rule.
    await pageA.getByTestId('password-current').fill(password);
    await pageA.getByTestId('password-new').fill('too short');
    await pageA.getByTestId('password-save').click();
    await expect.poll(() => pageA.getByTestId('password-error').textContent()).toContain('at least 15 characters');
    // Wrong current password: the server's answer is shown.
    await pageA.getByTestId('password-current').fill('not my password at all');
    await pageA.getByTestId('password-new').fill(newPassword);
    await pageA.getByTestId('password-save').click();
    await expect.poll(() => pageA.getByTestId('password-error').textContent(), { timeout: 10_000 }).toMatch(/incorrect/i);
    // Right: done, B is signed out, A stays.
    await pageA.getByTestId('password-current').fill(password);
    await pageA.getByTestId('password-new').fill(newPassword);
    await pageA.getByTestId('password-save').click();
    await expect.poll(() => pageA.getByTestId('password-success').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => pageB.getByTestId('auth-notice').textContent(), { timeout: 10_000 }).toContain('this session was ended');
    await expect.poll(() => pageA.getByTestId('session-item').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => pageA.locator('[data-testid="security-event"][data-kind="password_changed"]').count(), { timeout: 10_000 }).toBe(1);
    // The old password no longer signs in; the new one does.
    await signIn(pageB, me, password);
    await expect.poll(() => pageB.getByTestId('auth-error').textContent(), { timeout: 10_000 }).toMatch(/invalid username or password/i);

    // Delete: the dialog asks for the password; a wrong one is refused and nothing happens.
    await pageA.getByTestId('account-delete').click();
    await pageA.getByTestId('account-delete-password').fill('not my password at all');
    await pageA.getByTestId('account-delete-confirm').click();
    await expect.poll(() => pageA.getByTestId('account-delete-error').textContent(), { timeout: 10_000 }).toMatch(/incorrect/i);
    await pageA.getByTestId('account-delete-password').fill(newPassword);
    await pageA.getByTestId('account-delete-confirm').click();
    await expect.poll(() => pageA.getByTestId('auth-notice').textContent(), { timeout: 10_000 }).toContain('Your account was deleted');
    await signIn(pageA, me, newPassword);
    await expect.poll(() => pageA.getByTestId('auth-error').textContent(), { timeout: 10_000 }).toMatch(/invalid username or password/i);
  });
});
