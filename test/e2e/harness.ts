import { Writable } from 'node:stream';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { createLogger } from '@cipherlink/kit';
import { startStack, type Stack } from '@cipherlink/runner';
import { launchChromium } from './browser';
import { saveRecoveryKey } from './recovery';

const root = resolve(import.meta.dirname, '..', '..');

/** Where a browser test writes a screenshot or a log (test-results/, git-ignored). */
export function resultPath(file: string): string {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  return join(root, 'test-results', file);
}

/** The password every browser test user gets. */
export const E2E_PASSWORD = 'correct horse battery staple';

/** One browser test's world: the whole stack serving the built web app, and Chromium. */
export interface E2eWorld {
  stack: Stack;
  browser: Browser;
  /** A fresh browser context (another browser, as far as the app can tell); closed with the world. */
  newContext(): Promise<BrowserContext>;
  /** A page of `context` (a new one by default) with the app loaded. */
  openPage(context?: BrowserContext): Promise<Page>;
  /** Everything the services logged so far. */
  logs(): string;
  /** Close contexts, Chromium and the stack; the services' log goes to test-results/e2e-<name>-services.log. */
  close(): Promise<void>;
}

/**
 * Start the stack (real PostgreSQL, Redis and NATS, serving web/app/dist) and Chromium for one test file. The rate
 * limits are raised: these tests are not about them, and the budgets live in the shared Redis.
 */
export async function startE2e(name: string, opts: { env?: Record<string, string>; logLevel?: 'debug' | 'info' } = {}): Promise<E2eWorld> {
  let logText = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logText += String(chunk);
      cb();
    },
  });
  const level = opts.logLevel ?? 'debug';
  const stack = await startStack(
    {
      ...process.env,
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      WEB_DIST: join(root, 'web', 'app', 'dist'),
      LOG_LEVEL: level,
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_API_PER_MINUTE: '100000',
      WS_FRAMES_PER_MINUTE: '100000',
      WS_FRAME_BURST: '100000',
      ...opts.env,
    },
    { logger: createLogger({ name: `e2e-${name}`, level, destination }) },
  );
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  };
  return {
    stack,
    browser,
    newContext,
    async openPage(context) {
      const page = await (context ?? (await newContext())).newPage();
      page.on('pageerror', (err) => console.error('[page error]', err.message));
      await page.goto(stack.url);
      return page;
    },
    logs: () => logText,
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await stack.close();
      writeFileSync(resultPath(`e2e-${name}-services.log`), logText);
    },
  };
}

/** The messenger shows `username` as signed in and its socket is open. */
export async function expectSignedIn(page: Page, username: string, timeout = 20_000): Promise<void> {
  await expect.poll(() => page.getByTestId('me-username').textContent(), { timeout }).toContain(username);
  await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout }).toBe('open');
}

/** Register through the UI, save the recovery key the first sign-in shows once, and return it. */
export async function signUp(page: Page, username: string, password = E2E_PASSWORD): Promise<string> {
  await page.getByTestId('auth-username').fill(username);
  await page.getByTestId('auth-password').fill(password);
  await page.getByTestId('auth-register').click();
  const recoveryKey = await saveRecoveryKey(page);
  await expectSignedIn(page, username);
  return recoveryKey;
}

/** Open (or create) the DM with `peer` from the sidebar and select it. */
export async function openDmWith(page: Page, peer: string): Promise<void> {
  await page.getByTestId('new-dm-username').fill(peer);
  await page.getByTestId('new-dm-start').click();
  await page.locator(`[data-testid="conversation-item"][data-peer="${peer}"]`).click();
}

/** The message whose own text is `body` (not a reply that quotes it). */
export function messageWithText(page: Page, body: string): Locator {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-text').filter({ hasText: body }) });
}

/** Type and send a text in the open conversation; resolves once the server acknowledged it. */
export async function sendText(page: Page, body: string): Promise<void> {
  await page.getByTestId('composer').fill(body);
  await page.getByTestId('send').click();
  await expect.poll(() => messageWithText(page, body).getAttribute('data-status'), { timeout: 20_000 }).toBe('sent');
}

/** The open conversation shows the text `body` exactly once. */
export async function expectText(page: Page, body: string): Promise<void> {
  await expect.poll(() => messageWithText(page, body).count(), { timeout: 20_000 }).toBe(1);
}
