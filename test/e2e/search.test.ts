import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectText, messageWithText, openDmWith, resultPath, sendText, signUp, startE2e, type E2eWorld } from './harness';

/**
 * Message search in real browsers: Alice and Bob chat; Alice edits one of her messages and Bob deletes one of his.
 * Alice's search finds the edited message by its new text only, never the deleted one, highlights the words that
 * matched, and opens the conversation at a result (scrolled into view, highlighted). Typing a query sends nothing
 * that holds it. The same on a phone-sized screen; Escape closes the search. After a reload the search finds the
 * same messages again (its index is in memory only, rebuilt from the history it decrypts).
 */

const suffix = Date.now().toString(36);
const alice = `alice${suffix}`;
const bob = `bob${suffix}`;
const text = {
  review: 'Budget review on Monday at ten',
  looksFine: 'The budget looks fine to me, ship it',
  toDelete: 'Budget note I will delete',
  draft: 'Draft budget v1 attached',
  final: 'Final budget v2 attached',
  lunch: 'Lunch is at noon',
};
const FILLERS = 16;

let world: E2eWorld;
let alicePage: Page;
let bobPage: Page;

function results(page: Page) {
  return page.getByTestId('search-result');
}

/** The texts of the results as listed (sender prefix included). */
function resultTexts(page: Page): Promise<string[]> {
  return page.getByTestId('search-result-text').allTextContents();
}

async function search(page: Page, query: string) {
  await page.getByTestId('search-input').fill(query);
}

/** Whether the message is inside the visible part of the message list. */
function inView(page: Page, body: string): Promise<boolean> {
  return messageWithText(page, body).evaluate((el) => {
    const list = el.closest('[data-testid="message-list"]')!.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return box.top >= list.top && box.bottom <= list.bottom;
  });
}

beforeAll(async () => {
  world = await startE2e('search');
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('searching messages on this device', () => {
  it('Alice and Bob chat; Alice edits a message, Bob deletes one', async () => {
    alicePage = await world.openPage();
    bobPage = await world.openPage();
    await signUp(alicePage, alice);
    await signUp(bobPage, bob);
    await openDmWith(alicePage, bob);
    const aliceItem = bobPage.locator(`[data-testid="conversation-item"][data-peer="${alice}"]`);
    await expect.poll(() => aliceItem.count(), { timeout: 15_000 }).toBe(1);
    await aliceItem.click();

    await sendText(alicePage, text.review);
    await expectText(bobPage, text.review);
    await sendText(bobPage, text.looksFine);
    await sendText(bobPage, text.toDelete);
    await expectText(alicePage, text.toDelete);
    await sendText(alicePage, text.draft);
    await expectText(bobPage, text.draft);

    await messageWithText(alicePage, text.draft).hover();
    await messageWithText(alicePage, text.draft).getByTestId('message-edit').click();
    await alicePage.getByTestId('composer').fill(text.final);
    await alicePage.getByTestId('send').click();
    await expectText(bobPage, text.final);

    await messageWithText(bobPage, text.toDelete).hover();
    await messageWithText(bobPage, text.toDelete).getByTestId('message-delete').click();
    await bobPage.getByTestId('message-delete-confirm').click();
    await expect.poll(() => alicePage.getByTestId('message-deleted').count(), { timeout: 20_000 }).toBe(1);

    // Enough after them that the older messages scroll out of view.
    for (let n = 1; n <= FILLERS; n++) await sendText(alicePage, `Filler line ${n} about the weekend`);
    await sendText(bobPage, text.lunch);
    await expectText(alicePage, text.lunch);
    expect(await inView(alicePage, text.looksFine)).toBe(false);
  });

  it('finds the edited message by its new text, never the deleted one, newest first, with the match highlighted; sends nothing', async () => {
    const sent: string[] = [];
    alicePage.on('request', (r) => sent.push(`${r.url()} ${r.postData() ?? ''}`));
    alicePage.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));

    await search(alicePage, 'budget');
    await expect.poll(() => resultTexts(alicePage), { timeout: 10_000 }).toEqual([`You: ${text.final}`, `${bob}: ${text.looksFine}`, `You: ${text.review}`]);
    const matches = await alicePage.getByTestId('search-match').allTextContents();
    expect(matches.map((m) => m.toLowerCase())).toEqual(['budget', 'budget', 'budget']);
    expect(await results(alicePage).first().getByTestId('search-result-title').textContent()).toBe(bob);

    // Every word must match, each as the start of a word; the text before the edit is gone.
    await search(alicePage, 'budg fin');
    await expect.poll(() => resultTexts(alicePage)).toEqual([`You: ${text.final}`, `${bob}: ${text.looksFine}`]);
    await search(alicePage, 'draft');
    await expect.poll(() => alicePage.getByTestId('search-empty').textContent()).toBe('No messages match');
    await search(alicePage, 'delete');
    await expect.poll(() => alicePage.getByTestId('search-empty').count()).toBe(1);

    await search(alicePage, 'budget');
    await expect.poll(() => results(alicePage).count()).toBe(3);
    await alicePage.screenshot({ path: resultPath('e2e-search-desktop.png') });
    for (const word of ['budg', 'draft', 'delete']) expect(sent.filter((s) => s.includes(word))).toEqual([]);
  });

  it('opens the conversation at a result: scrolled into view and highlighted for a moment', async () => {
    await results(alicePage).filter({ hasText: text.looksFine }).click();
    await expect.poll(() => messageWithText(alicePage, text.looksFine).getAttribute('data-highlighted')).toBe('true');
    expect(await inView(alicePage, text.looksFine)).toBe(true);
    expect(await results(alicePage).filter({ hasText: text.looksFine }).getAttribute('aria-current')).toBe('true');
    await alicePage.screenshot({ path: resultPath('e2e-search-desktop-opened.png') });
    await expect.poll(() => messageWithText(alicePage, text.looksFine).getAttribute('data-highlighted'), { timeout: 5_000 }).toBeNull();

    // Keyboard: arrow down into the results, Enter opens one.
    await alicePage.getByTestId('search-input').focus();
    await alicePage.keyboard.press('ArrowDown');
    await alicePage.keyboard.press('ArrowDown');
    await alicePage.keyboard.press('ArrowDown');
    await alicePage.keyboard.press('Enter');
    await expect.poll(() => messageWithText(alicePage, text.review).getAttribute('data-highlighted')).toBe('true');
    expect(await inView(alicePage, text.review)).toBe(true);
  });

  it('works on a phone-sized screen; Escape closes the search', async () => {
    await alicePage.setViewportSize({ width: 390, height: 844 });
    // One pane at a time: the chat is open, the search results are behind "back".
    await alicePage.getByRole('button', { name: 'Back to conversations' }).click();
    await expect.poll(() => results(alicePage).count()).toBe(3);
    await alicePage.screenshot({ path: resultPath('e2e-search-phone.png') });

    await results(alicePage).filter({ hasText: text.final }).click();
    await expect.poll(() => messageWithText(alicePage, text.final).getAttribute('data-highlighted')).toBe('true');
    expect(await inView(alicePage, text.final)).toBe(true);
    expect(await alicePage.getByTestId('search-input').isVisible()).toBe(false);
    await alicePage.screenshot({ path: resultPath('e2e-search-phone-opened.png') });

    await alicePage.getByRole('button', { name: 'Back to conversations' }).click();
    await alicePage.getByTestId('search-input').focus();
    await alicePage.keyboard.press('Escape');
    await expect.poll(() => alicePage.getByTestId('search-results').count()).toBe(0);
    expect(await alicePage.getByTestId('search-input').inputValue()).toBe('');
    expect(await alicePage.locator(`[data-testid="conversation-item"][data-peer="${bob}"]`).isVisible()).toBe(true);
  });

  it('after a reload (nothing of the index was kept), starting a search decrypts the history again and finds it', async () => {
    await alicePage.setViewportSize({ width: 1280, height: 720 });
    await alicePage.reload();
    await expect.poll(() => alicePage.getByTestId('me-username').textContent(), { timeout: 15_000 }).toContain(alice);
    await search(alicePage, 'budget');
    await expect.poll(() => resultTexts(alicePage), { timeout: 20_000 }).toEqual([`You: ${text.final}`, `${bob}: ${text.looksFine}`, `You: ${text.review}`]);
  });
});
