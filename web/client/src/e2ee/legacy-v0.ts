import type { Conversation, StoredMessage } from '@cipherlink/proto';
import { DecryptionError, InvalidPublicKeyError, ProtocolV0 } from '../crypto';
import type { PeerDirectory } from '../peer-directory';
import type { KeyStore } from '../store/key-store';
import type { DecryptOutcome } from './message-crypto';

export interface LegacyV0Deps {
  store: KeyStore;
  userId: string;
  peers: PeerDirectory;
  conversation: (id: string) => Promise<Conversation | undefined>;
}

const UNREADABLE: DecryptOutcome = { ok: false, code: 'legacy', reason: 'an older message this device cannot read', retry: false };

/**
 * Protocol v0 history (pairwise DM messages, docs/protocol.md): read-only. Readable when this browser still holds
 * the v0 device key the message was encrypted to or from; nothing new is ever encrypted with v0.
 */
export class LegacyV0Reader {
  private cipher: Promise<ProtocolV0 | undefined> | undefined;

  constructor(private readonly deps: LegacyV0Deps) {}

  async decrypt(stored: StoredMessage): Promise<DecryptOutcome> {
    const env = stored.envelope;
    if (env.v !== 0) return UNREADABLE;
    const cipher = await this.v0();
    if (!cipher) return UNREADABLE;
    try {
      if (env.senderDeviceId.toLowerCase() !== stored.senderDeviceId.toLowerCase()) return UNREADABLE;
      const peerDeviceId = cipher.peerDeviceOf(env);
      const iSentIt = env.senderDeviceId.toLowerCase() === cipher.deviceId;
      // Our own device's ciphertext decrypts with our key whoever the server names as sender: it must be ours.
      if (iSentIt && stored.senderUserId !== this.deps.userId) return UNREADABLE;
      const peerUserId = iSentIt ? await this.dmPeer(stored.conversationId) : stored.senderUserId;
      if (!peerUserId) return UNREADABLE;
      const peerPublicKey = await this.deps.peers.publicKey(peerUserId, peerDeviceId);
      const content = await cipher.decrypt({ conversationId: stored.conversationId, messageId: stored.id, envelope: env, peerPublicKey });
      return { ok: true, payload: { type: 'text', text: content.text } };
    } catch (err) {
      if (err instanceof DecryptionError || err instanceof InvalidPublicKeyError) return UNREADABLE;
      if (err instanceof Error && err.name === 'UnknownDeviceError') return UNREADABLE;
      return { ok: false, code: 'offline', reason: 'keys could not be fetched (offline?)', retry: 'sync' };
    }
  }

  private v0(): Promise<ProtocolV0 | undefined> {
    this.cipher ??= this.deps.store.loadDevice(this.deps.userId).then((d) => (d ? new ProtocolV0({ deviceId: d.deviceId, privateKey: d.privateKey }) : undefined));
    return this.cipher;
  }

  private async dmPeer(conversationId: string): Promise<string | undefined> {
    const conv = await this.deps.conversation(conversationId);
    if (conv?.kind !== 'dm') return undefined;
    return conv.members.find((u) => u.id !== this.deps.userId)?.id;
  }
}
