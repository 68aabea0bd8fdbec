import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * The first sign-in of a user shows the recovery key once. Reads it off the screen (as a person would write it
 * down), confirms it was saved, continues, and returns it.
 */
export async function saveRecoveryKey(page: Page): Promise<string> {
  const screen = page.getByTestId('recovery-key-screen');
  await expect.poll(() => screen.count(), { timeout: 20_000 }).toBe(1);
  const groups = await page.getByTestId('recovery-key-group').allTextContents();
  const key = groups.map((g) => g.trim()).join(' ');
  expect(groups).toHaveLength(16);
  expect(key).toMatch(/^([0-9A-Z]{4} ){15}[0-9A-Z]{4}$/);
  // Continue stays disabled until the user confirms they wrote it down.
  expect(await page.getByTestId('recovery-key-continue').isDisabled()).toBe(true);
  await page.getByTestId('recovery-key-confirm').check();
  await page.getByTestId('recovery-key-continue').click();
  await expect.poll(() => screen.count(), { timeout: 10_000 }).toBe(0);
  return key;
}

/** A browser without the user's keys shows the restore screen; restore with the recovery key. */
export async function restoreFromRecoveryKey(page: Page, recoveryKey: string): Promise<void> {
  await expect.poll(() => page.getByTestId('restore-screen').count(), { timeout: 20_000 }).toBe(1);
  await page.getByTestId('restore-key').fill(recoveryKey);
  await page.getByTestId('restore-submit').click();
  await expect.poll(() => page.getByTestId('restore-screen').count(), { timeout: 30_000 }).toBe(0);
}
