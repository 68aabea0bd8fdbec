import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { E2E_PASSWORD, expectSignedIn, resultPath, signUp, startE2e, type E2eWorld } from './harness';
import { restoreFromRecoveryKey, saveRecoveryKey } from './recovery';
import { dumpServerStores, leakForms } from './server-stores';

/**
 * Protocol v1 in real browsers: Alice (two browsers), Bob and Carol in a group room that Alice created. They chat,
 * reply and react; Alice removes Carol, who then reads nothing new; Alice's second browser restores her keys from
 * the recovery key shown in her first browser and reads the whole room history, from before it existed; Alice and
 * Bob compare safety numbers and both screens show the same 60 digits. No room message is in any server store.
 */

const password = E2E_PASSWORD;
const suffix = Date.now().toString(36);
const alice = `alice${suffix}`;
const bob = `bob${suffix}`;
const carol = `carol${suffix}`;
const roomName = `Protocol v1 ${suffix}`;
/** Every room message, for the "not in any store" proof; each carries a unique marker. */
const marker = crypto.randomUUID().slice(0, 8);
const text = {
  aliceHello: `Hello room, Alice here ${marker}`,
  bobReply: `Bob answering Alice ${marker}`,
  carolHello: `Carol says hi ${marker}`,
  beforeEdit: `Alice typo heer ${marker}`,
  afterEdit: `Alice typo fixed ${marker}`,
  afterRemoval: `Only Alice and Bob read this ${marker}`,
  bobAfterRemoval: `Carol is gone ${marker}`,
};

let world: E2eWorld;

const openApp = () => world.openPage();


function roomItem(page: Page) {
  return page.locator(`[data-testid="conversation-item"][data-kind="group"][data-name="${roomName}"]`);
}

async function openRoom(page: Page) {
  await expect.poll(() => roomItem(page).count(), { timeout: 20_000 }).toBe(1);
  await roomItem(page).click();
  await expect.poll(() => page.getByTestId('chat-title').textContent(), { timeout: 10_000 }).toContain(roomName);
}

/** The message whose own text is `body` (not a reply that quotes it). */
function message(page: Page, body: string) {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-text').filter({ hasText: body }) });
}

async function send(page: Page, body: string) {
  await page.getByTestId('composer').fill(body);
  await page.getByTestId('send').click();
  await expect.poll(() => message(page, body).getAttribute('data-status'), { timeout: 20_000 }).toBe('sent');
}

async function expectMessage(page: Page, body: string) {
  await expect.poll(() => message(page, body).count(), { timeout: 20_000 }).toBe(1);
}

async function openMembers(page: Page) {
  await page.getByTestId('members-open').click();
  await expect.poll(() => page.getByTestId('member-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
}

function memberRow(page: Page, username: string) {
  return page.locator(`[data-testid="member-row"][data-username="${username}"]`);
}

/** The safety number as shown: the 12 groups of 5 digits, read off the screen. */
async function readSafetyNumber(page: Page): Promise<string[]> {
  await expect.poll(() => page.getByTestId('safety-number-group').count(), { timeout: 20_000 }).toBe(12);
  return (await page.getByTestId('safety-number-group').allTextContents()).map((g) => g.trim());
}

beforeAll(async () => {
  world = await startE2e('protocol-v1');
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('protocol v1: a group room across four browsers', () => {
  let alice1: Page;
  let bobPage: Page;
  let carolPage: Page;
  let aliceRecoveryKey: string;

  it('signs up Alice, Bob and Carol, each shown their recovery key once', async () => {
    alice1 = await openApp();
    bobPage = await openApp();
    carolPage = await openApp();
    aliceRecoveryKey = await signUp(alice1, alice);
    const bobKey = await signUp(bobPage, bob);
    await signUp(carolPage, carol);
    expect(bobKey).not.toBe(aliceRecoveryKey);
    // Once means once: a reload of the first browser goes straight to the messenger.
    await alice1.reload();
    await expectSignedIn(alice1, alice);
    expect(await alice1.getByTestId('recovery-key-screen').count()).toBe(0);
  });

  it('lets Alice create a room and add Bob and Carol by username', async () => {
    await alice1.getByTestId('new-room-open').click();
    await alice1.getByTestId('new-room-name').fill(roomName);
    await alice1.getByTestId('new-room-create').click();
    await expect.poll(() => alice1.getByTestId('chat-title').textContent(), { timeout: 10_000 }).toContain(roomName);
    expect(await alice1.getByTestId('member-count').getAttribute('data-count')).toBe('1');

    await openMembers(alice1);
    // A typo is refused with the server's answer, and nobody is added.
    await alice1.getByTestId('add-member-username').fill(`nobody${suffix}`);
    await alice1.getByTestId('add-member-submit').click();
    await expect.poll(() => alice1.getByTestId('members-error').count(), { timeout: 10_000 }).toBe(1);
    for (const who of [bob, carol]) {
      await alice1.getByTestId('add-member-username').fill(who);
      await alice1.getByTestId('add-member-submit').click();
      await expect.poll(() => memberRow(alice1, who).count(), { timeout: 10_000 }).toBe(1);
    }
    expect(await memberRow(alice1, alice).getAttribute('data-role')).toBe('admin');
    expect(await memberRow(alice1, bob).getAttribute('data-role')).toBe('member');
    await expect.poll(() => memberRow(alice1, bob).getByTestId('member-devices').getAttribute('data-count'), { timeout: 10_000 }).toBe('1');
    await alice1.getByTestId('members-close').click();
    await expect.poll(() => alice1.getByTestId('member-count').getAttribute('data-count'), { timeout: 10_000 }).toBe('3');

    await openRoom(bobPage);
    await openRoom(carolPage);
  });

  it('carries a conversation between the three, with a reply and a reaction', async () => {
    await send(alice1, text.aliceHello);
    await expectMessage(bobPage, text.aliceHello);
    await expectMessage(carolPage, text.aliceHello);

    // Bob answers Alice's message: the quote shows above his text on every screen.
    await message(bobPage, text.aliceHello).hover();
    await message(bobPage, text.aliceHello).getByTestId('message-reply').click();
    await expect.poll(() => bobPage.getByTestId('composer-reply').textContent()).toContain(text.aliceHello);
    await send(bobPage, text.bobReply);
    await expectMessage(alice1, text.bobReply);
    await expect.poll(() => message(alice1, text.bobReply).getByTestId('message-quote').textContent(), { timeout: 10_000 }).toContain(
      text.aliceHello,
    );

    await send(carolPage, text.carolHello);
    await expectMessage(alice1, text.carolHello);
    await expectMessage(bobPage, text.carolHello);

    // Carol reacts to Alice's message; Alice sees one 👍.
    await message(carolPage, text.aliceHello).hover();
    await message(carolPage, text.aliceHello).getByTestId('message-react').click();
    await carolPage.locator('[data-testid="reaction-option"][data-emoji="👍"]').click();
    const chip = message(alice1, text.aliceHello).locator('[data-testid="reaction-chip"][data-emoji="👍"]');
    await expect.poll(() => chip.getAttribute('data-count'), { timeout: 20_000 }).toBe('1');
    expect(await chip.getAttribute('data-mine')).toBe('false');

    // Alice fixes a typo: everyone sees the new text, marked edited.
    await send(alice1, text.beforeEdit);
    await expectMessage(bobPage, text.beforeEdit);
    await message(alice1, text.beforeEdit).hover();
    await message(alice1, text.beforeEdit).getByTestId('message-edit').click();
    await alice1.getByTestId('composer').fill(text.afterEdit);
    await alice1.getByTestId('send').click();
    await expectMessage(bobPage, text.afterEdit);
    expect(await message(bobPage, text.afterEdit).getByTestId('message-edited').count()).toBe(1);
    try {
      await expect.poll(() => message(bobPage, text.beforeEdit).count(), { timeout: 10_000 }).toBe(0);
    } catch (err) {
      // Seen once in CI and never reproduced: keep what Bob's screen showed for the next engineer.
      await bobPage.screenshot({ path: resultPath('e2e-protocol-v1-edit-failure-bob.png'), fullPage: true });
      writeFileSync(resultPath('e2e-protocol-v1-edit-failure-bob.html'), await bobPage.content());
      throw err;
    }
  });

  it('removes Carol: her screen drops the room and shows nothing written after it', async () => {
    await openMembers(alice1);
    await memberRow(alice1, carol).getByTestId('member-remove').click();
    await memberRow(alice1, carol).getByTestId('member-remove-confirm').click();
    await expect.poll(() => memberRow(alice1, carol).count(), { timeout: 10_000 }).toBe(0);
    await alice1.getByTestId('members-close').click();
    await expect.poll(() => alice1.getByTestId('member-count').getAttribute('data-count'), { timeout: 10_000 }).toBe('2');

    // Carol's app says she was removed, and the room is no longer in her list.
    await expect.poll(() => carolPage.getByTestId('conversation-gone').getAttribute('data-reason'), { timeout: 20_000 }).toBe('removed');
    expect(await roomItem(carolPage).count()).toBe(0);

    await send(alice1, text.afterRemoval);
    await expectMessage(bobPage, text.afterRemoval);
    await send(bobPage, text.bobAfterRemoval);
    await expectMessage(alice1, text.bobAfterRemoval);
    // Give a stray delivery every chance to arrive, then check Carol's whole page.
    await new Promise((r) => setTimeout(r, 3_000));
    const carolSees = await carolPage.locator('body').innerText();
    expect(carolSees).not.toContain(text.afterRemoval);
    expect(carolSees).not.toContain(text.bobAfterRemoval);
  });

  it("restores Alice's keys in a second browser from her recovery key, and reads the whole history", async () => {
    const alice2 = await openApp();
    await alice2.getByTestId('auth-username').fill(alice);
    await alice2.getByTestId('auth-password').fill(password);
    await alice2.getByTestId('auth-signin').click();
    await expect.poll(() => alice2.getByTestId('restore-screen').getAttribute('data-reason'), { timeout: 20_000 }).toBe('needs-restore');

    // A typo is caught before anything is changed; then the key as written down works.
    const typo = `${aliceRecoveryKey.slice(0, -1)}${aliceRecoveryKey.endsWith('0') ? '1' : '0'}`;
    await alice2.getByTestId('restore-key').fill(typo);
    await alice2.getByTestId('restore-submit').click();
    await expect.poll(() => alice2.getByTestId('restore-error').getAttribute('data-error'), { timeout: 20_000 }).toBe('InvalidRecoveryKeyError');
    await restoreFromRecoveryKey(alice2, aliceRecoveryKey.toLowerCase());
    await expectSignedIn(alice2, alice);

    await openRoom(alice2);
    for (const body of [text.aliceHello, text.bobReply, text.carolHello, text.afterEdit, text.afterRemoval, text.bobAfterRemoval]) {
      await expectMessage(alice2, body);
    }
    await expect.poll(() => alice2.getByTestId('message-undecryptable').count(), { timeout: 20_000 }).toBe(0);
    await alice2.screenshot({ path: resultPath('e2e-v1-alice-second-browser.png') });

    // The restored browser writes too, and the others read it.
    await send(alice2, `From Alice's second browser ${marker}`);
    await expectMessage(bobPage, `From Alice's second browser ${marker}`);
    await expectMessage(alice1, `From Alice's second browser ${marker}`);
  });

  it('shows Alice and Bob the same safety number on both screens', async () => {
    await alice1.getByTestId('new-dm-username').fill(bob);
    await alice1.getByTestId('new-dm-start').click();
    await alice1.getByTestId('safety-number-open').click();
    const onAlice = await readSafetyNumber(alice1);

    await expect.poll(() => bobPage.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).count(), { timeout: 20_000 }).toBe(1);
    await bobPage.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).click();
    await bobPage.getByTestId('safety-number-open').click();
    const onBob = await readSafetyNumber(bobPage);

    expect(onAlice).toHaveLength(12);
    expect(onAlice.every((g) => /^\d{5}$/.test(g))).toBe(true);
    expect(onBob).toEqual(onAlice);
    expect(await alice1.getByTestId('safety-qr').count()).toBe(1);

    // Alice marks Bob verified: the badge shows in the dialog and in the DM header.
    await alice1.getByTestId('safety-mark-verified').click();
    await expect.poll(() => alice1.getByTestId('safety-verified-badge').count(), { timeout: 10_000 }).toBe(1);
    await alice1.getByTestId('safety-close').click();
    await expect.poll(() => alice1.getByTestId('peer-verified').count(), { timeout: 10_000 }).toBe(1);
    await bobPage.getByTestId('safety-close').click();
  });

  it("warns Alice when Bob's key changes and pauses sending to him until she accepts it", async () => {
    // Bob "lost his recovery key": a new browser resets his identity.
    const bob2 = await openApp();
    await bob2.getByTestId('auth-username').fill(bob);
    await bob2.getByTestId('auth-password').fill(password);
    await bob2.getByTestId('auth-signin').click();
    await expect.poll(() => bob2.getByTestId('restore-screen').count(), { timeout: 20_000 }).toBe(1);
    await bob2.getByTestId('restore-lost-key').click();
    expect(await bob2.getByTestId('reset-confirm').isDisabled()).toBe(true);
    await bob2.getByTestId('reset-understand').check();
    await bob2.getByTestId('reset-confirm').click();
    await saveRecoveryKey(bob2);
    await expectSignedIn(bob2, bob);
    // His first browser no longer holds his keys.
    await expect.poll(() => bobPage.getByTestId('restore-screen').getAttribute('data-reason'), { timeout: 20_000 }).toBe('device-removed');

    // Alice had verified Bob: the DM says so, and sending waits for her decision.
    const banner = alice1.locator(`[data-testid="identity-changed-banner"][data-user="${bob}"]`);
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(1);
    await alice1.getByTestId('composer').fill(`Is this really you, Bob? ${marker}`);
    if (await alice1.getByTestId('send').isEnabled()) await alice1.getByTestId('send').click();
    await expect.poll(() => banner.getAttribute('data-blocked'), { timeout: 10_000 }).toBe('true');
    expect(await alice1.getByTestId('composer-blocked').count()).toBe(1);
    expect(await alice1.getByTestId('send').isDisabled()).toBe(true);
    expect(await message(alice1, `Is this really you, Bob? ${marker}`).count()).toBe(0);

    await banner.getByTestId('identity-accept').click();
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
    await send(alice1, `Is this really you, Bob? ${marker}`);
    await expect.poll(() => bob2.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).count(), { timeout: 20_000 }).toBe(1);
    await bob2.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`).click();
    await expectMessage(bob2, `Is this really you, Bob? ${marker}`);
  });

  it('keeps every room message out of every server store and log', async () => {
    const stores = await dumpServerStores({ databaseUrl: process.env.DATABASE_URL! });
    expect(stores.postgres).toContain('message_store_messages');
    const all = { ...stores, logs: world.logs() };
    for (const [store, dump] of Object.entries(all)) {
      for (const body of Object.values(text)) {
        for (const form of leakForms(body)) expect(dump.includes(form), `${store} contains "${body}" (${form})`).toBe(false);
      }
    }
    // The recovery key never reaches the server either.
    for (const [store, dump] of Object.entries(all)) {
      expect(dump.includes(aliceRecoveryKey.replace(/ /g, '')), `${store} contains the recovery key`).toBe(false);
      expect(dump.includes(aliceRecoveryKey), `${store} contains the recovery key`).toBe(false);
    }
  });
});
