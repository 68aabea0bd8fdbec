import type { CertifiedDevice, ConversationKind, MemberRole } from '@cipherlink/proto';
import { fromBase64Url, toBase64Url } from '../crypto';
import { verifyDeviceCertificate, type DeviceCertificate, type VerifiedDevice } from '../crypto/v1';
import type { CipherLinkApi } from '../transport/cipherlink-api';
import { currentKeyOf, type TrustRecord } from './trust';
import type { TrustBook } from './trust-book';

/** A user's keys after checking: the devices whose certificates verified, and those that did not. */
export interface VerifiedUserKeys {
  userId: string;
  /** The identity key the directory serves now (base64url), or null (the user has not set one up). */
  identityKey: string | null;
  /** The contact's trust record after folding in `identityKey` (undefined for the local user). */
  trust: TrustRecord | undefined;
  devices: VerifiedDevice[];
  /** Devices whose certificate does not verify under the identity key: never used. */
  invalid: CertifiedDevice[];
  /** Every certified device as listed (for display). */
  listed: CertifiedDevice[];
}

export interface VerifiedMember extends VerifiedUserKeys {
  username: string;
  role: MemberRole;
  joinedAt: string;
}

export interface VerifiedMembers {
  conversationId: string;
  kind: ConversationKind;
  membershipVersion: number;
  members: VerifiedMember[];
}

export interface KeyDirectoryDeps {
  api: CipherLinkApi;
  trust: TrustBook;
  self: { userId: string; identityPublicKeyRaw: Uint8Array };
  /** How long fetched keys are used without asking again (frames invalidate them earlier). Default 5 minutes. */
  ttlMs?: number;
}

/**
 * Users' and conversations' keys from the directory, every device certificate verified before anything uses it
 * (docs/protocol-v1.md, section 3). Contacts' devices are verified under the identity key the directory serves now,
 * which is first folded into the trust book (trust on first use, change detection); the local user's own devices
 * only under the identity key this device holds, never the directory's. Cached; frames about devices, identity keys
 * and membership invalidate the cache.
 */
export class KeyDirectory {
  private readonly users = new Map<string, { at: number; value: Promise<VerifiedUserKeys> }>();
  private readonly conversations = new Map<string, { at: number; value: Promise<VerifiedMembers> }>();
  /** Verification results by everything the certificate binds, so a device is checked once. */
  private readonly verified = new Map<string, Promise<VerifiedDevice | null>>();
  private readonly selfKey: string;

  constructor(private readonly deps: KeyDirectoryDeps) {
    this.selfKey = toBase64Url(deps.self.identityPublicKeyRaw);
  }

  user(userId: string, fresh = false): Promise<VerifiedUserKeys> {
    const id = userId.toLowerCase();
    return this.cached(this.users, id, fresh, async () => {
      const keys = await this.deps.api.userKeys(id);
      return this.check(id, keys.identityKey, keys.devices);
    });
  }

  members(conversationId: string, fresh = false): Promise<VerifiedMembers> {
    const id = conversationId.toLowerCase();
    return this.cached(this.conversations, id, fresh, async () => {
      const res = await this.deps.api.conversationMembers(id);
      const members = await Promise.all(
        res.members.map(async (m) => ({
          ...(await this.check(m.userId.toLowerCase(), m.identityKey, m.devices)),
          username: m.username,
          role: m.role,
          joinedAt: m.joinedAt,
        })),
      );
      return { conversationId: id, kind: res.kind, membershipVersion: res.membershipVersion, members };
    });
  }

  /** One verified device of a user, asking the directory again once when it is not (yet) known. */
  async device(userId: string, deviceId: string): Promise<VerifiedDevice | undefined> {
    const id = deviceId.toLowerCase();
    const find = (keys: VerifiedUserKeys) => keys.devices.find((d) => d.deviceId === id);
    return find(await this.user(userId)) ?? find(await this.user(userId, true));
  }

  invalidateUser(userId: string): void {
    this.users.delete(userId.toLowerCase());
    // Member listings carry the user's devices and identity key too.
    this.conversations.clear();
  }

  invalidateConversation(conversationId: string): void {
    this.conversations.delete(conversationId.toLowerCase());
  }

  invalidateAll(): void {
    this.users.clear();
    this.conversations.clear();
  }

  private cached<T>(map: Map<string, { at: number; value: Promise<T> }>, key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && !fresh && Date.now() - hit.at < (this.deps.ttlMs ?? 5 * 60_000)) return hit.value;
    const entry = { at: Date.now(), value: load() };
    map.set(key, entry);
    entry.value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    return entry.value;
  }

  private async check(userId: string, identityKey: string | null, listed: CertifiedDevice[]): Promise<VerifiedUserKeys> {
    const self = userId === this.deps.self.userId.toLowerCase();
    const trust = self ? undefined : await this.deps.trust.observe(userId, identityKey);
    // Our own devices answer to the identity key we hold; a contact's to the key the directory serves now (which
    // the trust book just compared with the pinned one).
    const verifyWith = self ? this.selfKey : trust ? currentKeyOf(trust) : null;
    const devices: VerifiedDevice[] = [];
    const invalid: CertifiedDevice[] = [];
    for (const d of listed) {
      const v = verifyWith === null ? null : await this.verify(userId, verifyWith, d);
      if (v) devices.push(v);
      else invalid.push(d);
    }
    return { userId, identityKey, trust, devices, invalid, listed };
  }

  private verify(userId: string, identityKey: string, d: CertifiedDevice): Promise<VerifiedDevice | null> {
    const cacheKey = [userId, identityKey, d.deviceId.toLowerCase(), d.ecdhKey, d.signingKey, d.certificate, d.certifiedAt].join('|');
    let result = this.verified.get(cacheKey);
    if (!result) {
      result = (async () => {
        try {
          const cert: DeviceCertificate = {
            userId,
            deviceId: d.deviceId.toLowerCase(),
            ecdhPublicKey: fromBase64Url(d.ecdhKey),
            signingPublicKey: fromBase64Url(d.signingKey),
            createdAt: d.certifiedAt,
            signature: fromBase64Url(d.certificate),
          };
          return await verifyDeviceCertificate(fromBase64Url(identityKey), cert, { userId, deviceId: d.deviceId });
        } catch {
          return null;
        }
      })();
      this.verified.set(cacheKey, result);
    }
    return result;
  }
}
