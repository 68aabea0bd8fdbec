import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { resultPath, signUp, startE2e, type E2eWorld } from './harness';
import { dumpServerStores, leakForms } from './server-stores';

/**
 * The walking skeleton, as two people would use it: Alice and Bob in two real Chromium contexts register, open a
 * DM, chat both ways, reload and read history, catch up after being offline; then a canary sentence typed by Alice
 * is shown on Bob's screen while appearing in no server store and no service log.
 */

const suffix = Date.now().toString(36);
const alice = `alice${suffix}`;
const bob = `bob${suffix}`;

let world: E2eWorld;

const openApp = () => world.openPage();


async function openDmWith(page: Page, peer: string) {
  await page.getByTestId('new-dm-username').fill(peer);
  await page.getByTestId('new-dm-start').click();
  await page.locator(`[data-testid="conversation-item"][data-peer="${peer}"]`).click();
}

async function send(page: Page, text: string) {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('send').click();
  await expect
    .poll(() => page.locator('[data-testid="message"][data-mine="true"]', { hasText: text }).getAttribute('data-status'), { timeout: 15_000 })
    .toBe('sent');
}

async function expectMessage(page: Page, text: string, mine = false) {
  await expect
    .poll(() => page.locator(`[data-testid="message"][data-mine="${mine}"]`, { hasText: text }).count(), { timeout: 15_000 })
    .toBe(1);
}

beforeAll(async () => {
  world = await startE2e('messenger');
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('two browsers, one end-to-end encrypted DM', () => {
  let alicePage: Page;
  let bobPage: Page;

  it('registers Alice and Bob and opens the same DM from both sides', async () => {
    alicePage = await openApp();
    bobPage = await openApp();
    await signUp(alicePage, alice);
    await signUp(bobPage, bob);
    await openDmWith(alicePage, bob);
    await expect.poll(() => bobPage.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).count(), { timeout: 15_000 }).toBe(1);
    await bobPage.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).click();
  });

  it('keeps every private key in IndexedDB as a non-extractable CryptoKey', async () => {
    // Test code, not app code: it opens the SDK's database directly to check the claim in docs/protocol-v1.md.
    const keys = await alicePage.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const req = indexedDB.open('cipherlink-keys');
        req.onsuccess = () => res(req.result);
        req.onerror = () => rej(req.error);
      });
      const values: unknown[] = [];
      for (const name of Array.from(db.objectStoreNames)) {
        values.push(
          ...(await new Promise<unknown[]>((res, rej) => {
            const req = db.transaction(name).objectStore(name).getAll();
            req.onsuccess = () => res(req.result);
            req.onerror = () => rej(req.error);
          })),
        );
      }
      // Every CryptoKey anywhere in the stored records (the identity key, this device's keys, ...).
      const found: CryptoKey[] = [];
      const walk = (v: unknown, depth: number) => {
        if (v instanceof CryptoKey) found.push(v);
        else if (v && typeof v === 'object' && depth < 8 && !ArrayBuffer.isView(v)) for (const x of Object.values(v)) walk(x, depth + 1);
      };
      values.forEach((v) => walk(v, 0));
      return Promise.all(
        found
          .filter((k) => k.type === 'private')
          .map(async (k) => ({
            algorithm: `${k.algorithm.name} ${(k.algorithm as EcKeyAlgorithm).namedCurve}`,
            extractable: k.extractable,
            exportRefused: await crypto.subtle.exportKey('pkcs8', k).then(
              () => false,
              () => true,
            ),
          })),
      );
    });
    // The identity key (ECDSA) and this device's ECDH and signing keys at least; none of them can be read out.
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(keys.some((k) => k.algorithm === 'ECDH P-256')).toBe(true);
    expect(keys.some((k) => k.algorithm === 'ECDSA P-256')).toBe(true);
    for (const k of keys) expect(k).toEqual({ algorithm: expect.stringMatching(/P-256$/), extractable: false, exportRefused: true });
  });

  it('delivers messages both ways in real time and shows presence', async () => {
    await send(alicePage, 'Hi Bob, this is Alice.');
    await expectMessage(bobPage, 'Hi Bob, this is Alice.');
    await send(bobPage, 'Hello Alice! Bob here.');
    await expectMessage(alicePage, 'Hello Alice! Bob here.');
    await expect.poll(() => alicePage.getByTestId('presence-status').textContent(), { timeout: 15_000 }).toContain('online');
    await alicePage.screenshot({ path: resultPath('e2e-alice-chat.png') });
  });

  it('reads the history again after a reload (keys from IndexedDB, ciphertext from message-store)', async () => {
    await bobPage.reload();
    await expect.poll(() => bobPage.getByTestId('me-username').textContent(), { timeout: 15_000 }).toContain(bob);
    await bobPage.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).click();
    await expectMessage(bobPage, 'Hi Bob, this is Alice.');
    await expectMessage(bobPage, 'Hello Alice! Bob here.', true);
    await expect.poll(() => bobPage.getByText("Can't decrypt").count()).toBe(0);
  });

  it('brings an offline user every missed message, in order, once', async () => {
    const bobContext = bobPage.context();
    await bobPage.close();
    await expect.poll(() => alicePage.getByTestId('presence-status').textContent(), { timeout: 20_000 }).not.toContain('online');
    for (const n of [1, 2, 3]) await send(alicePage, `While you were away #${n}`);
    bobPage = await world.openPage(bobContext);
    await expect.poll(() => bobPage.getByTestId('me-username').textContent(), { timeout: 15_000 }).toContain(bob);
    await bobPage.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).click();
    for (const n of [1, 2, 3]) await expectMessage(bobPage, `While you were away #${n}`);
    const texts = await bobPage.getByTestId('message').allTextContents();
    const order = [1, 2, 3].map((n) => texts.findIndex((t) => t.includes(`While you were away #${n}`)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await expect.poll(() => alicePage.getByTestId('presence-status').textContent(), { timeout: 15_000 }).toContain('online');
  });

  it('shows a canary sentence to Bob while no server store or log ever holds it', async () => {
    const canary = `Canary ${crypto.randomUUID()} sings in the coal mine`;
    await send(alicePage, canary);
    await expectMessage(bobPage, canary);
    await bobPage.screenshot({ path: resultPath('e2e-bob-canary.png') });

    const stores = await dumpServerStores({ databaseUrl: process.env.DATABASE_URL! });
    // The stores are not empty: the ciphertext of this conversation is there.
    expect(stores.postgres).toContain('message_store_messages');
    expect(stores.postgres!.length).toBeGreaterThan(1000);
    const all = { ...stores, logs: world.logs() };
    for (const [store, text] of Object.entries(all)) {
      for (const form of leakForms(canary)) expect(text.includes(form), `${store} contains the canary (${form})`).toBe(false);
      for (const form of leakForms('Hi Bob, this is Alice.')) expect(text.includes(form), `${store} contains a message`).toBe(false);
    }
  });
});
