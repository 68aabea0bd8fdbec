import { KeyedSerial } from '../keyed-serial';
import type { KeyStore } from '../store/key-store';
import { recordNames } from './records';
import { acceptCurrentKey, markKeyVerified, observeIdentityKey, unmarkKeyVerified, type TrustEvent, type TrustRecord } from './trust';

export type TrustListener = (userId: string, event: TrustEvent, record: TrustRecord) => void;

/**
 * The pinned identity keys of this user's contacts (trust.ts transitions), persisted in the KeyStore and cached in
 * memory. Changes per contact run one at a time, so one key change is reported once.
 */
export class TrustBook {
  private readonly cache = new Map<string, TrustRecord | undefined>();
  private readonly serial = new KeyedSerial();

  constructor(
    private readonly store: KeyStore,
    private readonly selfUserId: string,
    private readonly onEvent: TrustListener,
  ) {}

  async get(userId: string): Promise<TrustRecord | undefined> {
    const id = userId.toLowerCase();
    if (!this.cache.has(id)) this.cache.set(id, await this.store.getRecord<TrustRecord>(this.selfUserId, recordNames.trust(id)));
    return this.cache.get(id);
  }

  /** Fold the identity key the directory serves for `userId` (null: none) into its record; reports changes. */
  observe(userId: string, served: string | null): Promise<TrustRecord | undefined> {
    const id = userId.toLowerCase();
    return this.serial.run(id, async () => {
      const before = await this.get(id);
      if (served === null) return before;
      const o = observeIdentityKey(before, served);
      if (o.updated) await this.save(id, o.record);
      if (o.event) this.onEvent(id, o.event, o.record);
      return o.record;
    });
  }

  accept(userId: string): Promise<TrustRecord | undefined> {
    return this.update(userId, (r) => acceptCurrentKey(r));
  }

  markVerified(userId: string, key: string): Promise<TrustRecord | undefined> {
    return this.update(userId, (r) => markKeyVerified(r, key));
  }

  unmarkVerified(userId: string): Promise<TrustRecord | undefined> {
    return this.update(userId, (r) => unmarkKeyVerified(r));
  }

  /** Every contact whose key change is not accepted yet. */
  async pendingChanges(): Promise<{ userId: string; at: string }[]> {
    const records = await this.store.listRecords<TrustRecord>(this.selfUserId, recordNames.trustPrefix);
    return records.flatMap(({ key, value }) => {
      const userId = key.slice(recordNames.trustPrefix.length);
      // The in-memory copy is at least as new as the stored one.
      const rec = this.cache.get(userId) ?? value;
      return rec?.pending ? [{ userId, at: rec.pending.at }] : [];
    });
  }

  private update(userId: string, change: (r: TrustRecord) => TrustRecord): Promise<TrustRecord | undefined> {
    const id = userId.toLowerCase();
    return this.serial.run(id, async () => {
      const before = await this.get(id);
      if (!before) return undefined;
      const after = change(before);
      await this.save(id, after);
      return after;
    });
  }

  private async save(userId: string, record: TrustRecord): Promise<void> {
    await this.store.putRecord(this.selfUserId, recordNames.trust(userId), record);
    this.cache.set(userId, record);
  }
}
