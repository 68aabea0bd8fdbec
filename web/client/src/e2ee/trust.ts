/**
 * Trust in contacts' identity keys, as pure transitions over one stored record per contact (docs/protocol-v1.md,
 * "Trust on first use" and "Safety numbers").
 *
 * - The first identity key seen for a user is pinned (trust on first use): 'unverified'.
 * - Comparing safety numbers and confirming marks the key 'verified'.
 * - A different key from the directory is a change: the record keeps the pinned key and notes the new one as
 *   pending ('changed'), drops the verified mark, and remembers whether it was verified: then sending to that user
 *   is blocked until the user accepts the new key. An unverified contact's new key is used at once (it was never
 *   more than trusted on first use) but the change stays noted until accepted, so the app can say so.
 * - The directory serving the pinned key again (a change undone) restores the record as it was.
 */

/** A contact's identity key as this device judges it. */
export type TrustState = 'unverified' | 'verified' | 'changed' | 'no-identity';

/** What is stored per contact. Keys are raw P-256 points in base64url (as the directory serves them). */
export interface TrustRecord {
  /** The accepted identity key. */
  pinned: string;
  verified: boolean;
  /** A different key the directory now serves, not accepted yet. */
  pending?: { key: string; wasVerified: boolean; at: string };
}

export type TrustEvent = { kind: 'changed'; wasVerified: boolean } | { kind: 'reverted' };

export interface Observation {
  record: TrustRecord;
  /** Whether the record differs from the one passed in (store it). */
  updated: boolean;
  /** Set when the user should be told. */
  event?: TrustEvent;
}

export function trustStateOf(record: TrustRecord | undefined): TrustState {
  if (!record) return 'no-identity';
  if (record.pending) return 'changed';
  return record.verified ? 'verified' : 'unverified';
}

/** Sending to this contact is blocked: their verified key changed and the change was not accepted. */
export function isBlocked(record: TrustRecord | undefined): boolean {
  return record?.pending?.wasVerified === true;
}

/** The key to encrypt to and verify devices with: the directory's current one (pending until accepted). */
export function currentKeyOf(record: TrustRecord): string {
  return record.pending?.key ?? record.pinned;
}

/** Fold the key the directory serves now into the record. */
export function observeIdentityKey(record: TrustRecord | undefined, served: string, now: Date = new Date()): Observation {
  if (!record) return { record: { pinned: served, verified: false }, updated: true };
  if (served === record.pinned) {
    if (!record.pending) return { record, updated: false };
    return { record: { pinned: record.pinned, verified: record.pending.wasVerified }, updated: true, event: { kind: 'reverted' } };
  }
  if (record.pending?.key === served) return { record, updated: false };
  const wasVerified = record.pending ? record.pending.wasVerified : record.verified;
  return {
    record: { pinned: record.pinned, verified: false, pending: { key: served, wasVerified, at: now.toISOString() } },
    updated: true,
    event: { kind: 'changed', wasVerified },
  };
}

/**
 * The user accepts the key the directory serves now (after a change): it becomes the pinned, unverified key.
 * Without a pending change there is nothing to accept (a verified key stays verified).
 */
export function acceptCurrentKey(record: TrustRecord): TrustRecord {
  if (!record.pending) return record;
  return { pinned: record.pending.key, verified: false };
}

/**
 * The user compared safety numbers over `key` and confirms. Marking the current key verified also accepts a
 * pending change (the comparison was over the new key). A key that is not the current one is refused.
 */
export function markKeyVerified(record: TrustRecord, key: string): TrustRecord {
  if (key !== currentKeyOf(record)) throw new Error('the identity key changed since the safety number was computed');
  return { pinned: key, verified: true };
}

export function unmarkKeyVerified(record: TrustRecord): TrustRecord {
  if (record.pending) return { ...record, pending: { ...record.pending, wasVerified: false } };
  return { pinned: record.pinned, verified: false };
}
