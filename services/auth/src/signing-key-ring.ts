import { UnavailableError, type Logger } from '@cipherlink/kit';
import { pickSigningKey } from './domain/signing-key-schedule';
import { generateSigningKey, importSigningKey } from './signing-key';
import type { SigningKeyStore, StoredSigningKey } from './store/signing-key-store';

/** How often an instance re-reads the key table (a rotation event also triggers a reload at once). */
export const SIGNING_KEY_RECHECK_MS = 30_000;

export interface SigningKeyRing {
  /** The key to sign with now: newest key whose not_before has passed and that is not retired. */
  current(): Promise<{ kid: string; key: CryptoKey }>;
  /** Read the key table again (on a SigningKeysChangedEvent, and every SIGNING_KEY_RECHECK_MS). */
  reload(): Promise<void>;
  /** Ensure a usable key exists, load, and start the periodic re-check. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * The signing keys of this instance. It holds every key that signs now or later (a rotated-in key is known before
 * its not_before), so the switch happens on time at the next token issued, not at the next reload.
 */
export function createSigningKeyRing(store: SigningKeyStore, opts: { logger: Logger; now?: () => number }): SigningKeyRing {
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ module: 'signing-keys' });
  let keys: (StoredSigningKey & { key: CryptoKey })[] = [];
  const imported = new Map<string, CryptoKey>();
  let timer: NodeJS.Timeout | undefined;
  let lastKid: string | undefined;

  async function reload(): Promise<void> {
    const rows = await store.signingCandidates();
    const next = [];
    for (const row of rows) {
      let key = imported.get(row.kid);
      if (!key) {
        key = await importSigningKey(row);
        imported.set(row.kid, key);
      }
      next.push({ ...row, key });
    }
    keys = next;
  }

  function pick() {
    const key = pickSigningKey(keys, new Date(now()));
    if (key && key.kid !== lastKid) {
      log.info({ kid: key.kid }, 'signing with key');
      lastKid = key.kid;
    }
    return key;
  }

  return {
    reload,

    async current() {
      let key = pick();
      if (!key) {
        // Everything known is retired (or nothing is loaded yet): read again, and create a key if none may sign.
        await store.ensureActive(generateSigningKey);
        await reload();
        key = pick();
      }
      if (!key) throw new UnavailableError('no signing key available');
      return { kid: key.kid, key: key.key };
    },

    async start() {
      await store.ensureActive(generateSigningKey);
      await reload();
      timer = setInterval(() => void reload().catch((err: unknown) => log.warn({ err }, 'signing key reload failed')), SIGNING_KEY_RECHECK_MS);
      timer.unref();
    },

    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
