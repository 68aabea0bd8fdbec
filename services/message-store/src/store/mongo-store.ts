import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { Envelope, type KeyPackage, type MessageSendCommand, type StoredMessage } from '@cipherlink/proto';
import { canonicalCommand } from '../domain/canonical-command';
import { toHistoryPage } from '../domain/history-page';
import type { AppendResult, HistoryPage, KeyPackagePage, MessageStore } from './message-store';

const DUPLICATE_KEY = 11000;

interface MessageDoc {
  _id: string;
  conversationId: string;
  seq: number;
  senderUserId: string;
  senderDeviceId: string;
  envelope: unknown;
  createdAt: Date;
}

interface CounterDoc {
  _id: string;
  lastSeq: number;
}

function toStored(doc: MessageDoc): StoredMessage {
  return {
    id: doc._id,
    conversationId: doc.conversationId,
    seq: doc.seq,
    senderUserId: doc.senderUserId,
    senderDeviceId: doc.senderDeviceId,
    envelope: Envelope.parse(doc.envelope),
    createdAt: doc.createdAt.toISOString(),
  };
}

interface KeyPackageDoc {
  /** `<recipientDeviceId>:<seq>`. */
  _id: string;
  recipientDeviceId: string;
  seq: number;
  conversationId: string;
  epoch: number;
  senderUserId: string;
  senderDeviceId: string;
  blob: string;
  createdAt: Date;
}

function toKeyPackage(doc: KeyPackageDoc): KeyPackage {
  return {
    seq: doc.seq,
    recipientDeviceId: doc.recipientDeviceId,
    conversationId: doc.conversationId,
    epoch: doc.epoch,
    senderUserId: doc.senderUserId,
    senderDeviceId: doc.senderDeviceId,
    blob: doc.blob,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** Key-package counters share the `counters` collection with conversations; the prefix keeps the ids apart. */
const keyPackageCounterId = (deviceId: string) => `kp:${deviceId}`;

const isDuplicateKey = (err: unknown): err is MongoServerError => err instanceof MongoServerError && err.code === DUPLICATE_KEY;

/**
 * MongoDB adapter: collections `messages` (`_id` = message id, unique `{conversationId, seq}`) and `counters`
 * (`$inc` upsert per conversation). It does not use multi-document transactions (they need a replica set), so a
 * process that dies between taking a seq and inserting leaves a gap in that conversation; the id race below gives
 * its number back when no one took a later one.
 */
export function createMongoMessageStore(opts: { url: string; dbName: string }): MessageStore {
  // The driver connects on first use (and reconnects), so start() needs no explicit connect.
  const client = new MongoClient(opts.url, { serverSelectionTimeoutMS: 5_000, appName: 'message-store' });
  const db = client.db(opts.dbName);
  const messages: Collection<MessageDoc> = db.collection<MessageDoc>('messages');
  const counters: Collection<CounterDoc> = db.collection<CounterDoc>('counters');
  const keyPackages: Collection<KeyPackageDoc> = db.collection<KeyPackageDoc>('key_packages');

  async function findById(id: string): Promise<StoredMessage | undefined> {
    const doc = await messages.findOne({ _id: id });
    return doc ? toStored(doc) : undefined;
  }

  async function nextSeq(conversationId: string): Promise<number> {
    // Two first-ever upserts of a conversation can both try to insert the counter; the loser retries as an update.
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await counters.findOneAndUpdate(
          { _id: conversationId },
          { $inc: { lastSeq: 1 } },
          { upsert: true, returnDocument: 'after' },
        );
        return doc!.lastSeq;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 3) throw err;
      }
    }
  }

  return {
    async migrate() {
      await messages.createIndex({ conversationId: 1, seq: 1 }, { unique: true, name: 'conversation_seq' });
      await keyPackages.createIndex({ recipientDeviceId: 1, seq: 1 }, { unique: true, name: 'recipient_seq' });
      await keyPackages.createIndex({ createdAt: 1 }, { name: 'created_at' });
    },

    async append(command: MessageSendCommand): Promise<AppendResult> {
      const cmd = canonicalCommand(command);
      const existing = await findById(cmd.id);
      if (existing) return { message: existing, created: false };
      const seq = await nextSeq(cmd.conversationId);
      const doc: MessageDoc = {
        _id: cmd.id,
        conversationId: cmd.conversationId,
        seq,
        senderUserId: cmd.senderUserId,
        senderDeviceId: cmd.senderDeviceId,
        envelope: cmd.envelope,
        createdAt: new Date(),
      };
      try {
        await messages.insertOne(doc);
        return { message: toStored(doc), created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = await findById(cmd.id);
        if (!winner) throw err;
        // Give our seq back if nobody took a later one (compare-and-set), so the race leaves no gap.
        await counters.updateOne({ _id: cmd.conversationId, lastSeq: seq }, { $inc: { lastSeq: -1 } });
        return { message: winner, created: false };
      }
    },

    async history(conversationId, afterSeq, limit): Promise<HistoryPage> {
      const docs = await messages
        .find({ conversationId: conversationId.toLowerCase(), seq: { $gt: afterSeq } })
        .sort({ seq: 1 })
        .limit(limit + 1)
        .toArray();
      return toHistoryPage(docs.map(toStored), limit);
    },

    async storeKeyPackages(batch) {
      // No multi-document transaction (see above): a process dying between a counter bump and its insert leaves a
      // gap in that device's seqs, which fetches by afterSeq tolerate.
      const createdAt = new Date();
      const docs = await Promise.all(
        batch.packages.map(async (p): Promise<KeyPackageDoc> => {
          const recipientDeviceId = p.recipientDeviceId.toLowerCase();
          const seq = await nextSeq(keyPackageCounterId(recipientDeviceId));
          return {
            _id: `${recipientDeviceId}:${seq}`,
            recipientDeviceId,
            seq,
            conversationId: batch.conversationId.toLowerCase(),
            epoch: batch.epoch,
            senderUserId: batch.senderUserId.toLowerCase(),
            senderDeviceId: batch.senderDeviceId.toLowerCase(),
            blob: p.blob,
            createdAt,
          };
        }),
      );
      if (docs.length) await keyPackages.insertMany(docs, { ordered: false });
      return docs.map(toKeyPackage);
    },

    async keyPackages(deviceId, afterSeq, limit): Promise<KeyPackagePage> {
      const docs = await keyPackages
        .find({ recipientDeviceId: deviceId.toLowerCase(), seq: { $gt: afterSeq } })
        .sort({ seq: 1 })
        .limit(limit + 1)
        .toArray();
      const packages = docs.map(toKeyPackage);
      return { packages: packages.slice(0, limit), hasMore: packages.length > limit };
    },

    async purgeKeyPackages(olderThan) {
      const { deletedCount } = await keyPackages.deleteMany({ createdAt: { $lt: olderThan } });
      return deletedCount;
    },

    async ping() {
      await db.command({ ping: 1 });
    },

    async close() {
      await client.close();
    },
  };
}
