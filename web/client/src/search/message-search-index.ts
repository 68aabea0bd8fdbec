/**
 * An in-memory full-text index over decrypted messages: inverted index from token to message ids, prefix search,
 * per-conversation filter, replace on edit, remove on delete. Pure (no DOM, no network, no storage): it holds
 * plaintext only in memory, the way the message list does, and is rebuilt from decrypted messages on load.
 *
 * Query semantics: the query is tokenized like the messages (tokenize.ts); a message matches when every query
 * token is a prefix of one of its tokens ("mee tom" finds "meeting tomorrow"). Hits come newest first (highest
 * `order`: the server's sequence number or a timestamp), at most `limit` of them.
 *
 * Cost: adding a message is one Map/Set insertion per distinct token. Prefix lookups binary-search a sorted
 * vocabulary, which is rebuilt lazily by the first search after new tokens arrived (a sort of the distinct tokens,
 * milliseconds for tens of thousands), so bulk indexing pays nothing for it.
 */
import { tokenize } from './tokenize';

/** What the index needs of a message. */
export interface SearchDocument {
  messageId: string;
  conversationId: string;
  text: string;
  /** The author (kept across re-indexing of the same message). */
  senderUserId?: string;
  /** Sort key, higher is newer (sequence number or timestamp). Default: the order messages were first added. */
  order?: number;
}

export interface SearchOptions {
  /** Only messages of this conversation. */
  conversationId?: string;
  /** Most hits returned (newest first). Default 50. */
  limit?: number;
}

export interface SearchHit {
  messageId: string;
  conversationId: string;
  senderUserId?: string;
  order: number;
}

export const DEFAULT_SEARCH_LIMIT = 50;

interface Entry {
  conversationId: string;
  senderUserId?: string;
  order: number;
  /** Distinct tokens, to unlink the message on edit or delete. */
  tokens: string[];
}

export class MessageSearchIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly postings = new Map<string, Set<string>>();
  /** Distinct tokens in code-unit order; undefined when tokens were added since it was built. */
  private vocabulary: string[] | undefined;
  private added = 0;

  /** Messages indexed. */
  get size(): number {
    return this.entries.size;
  }

  /** Distinct tokens indexed. */
  get tokenCount(): number {
    return this.postings.size;
  }

  has(messageId: string): boolean {
    return this.entries.has(messageId);
  }

  /** What the index holds about a message (not its text: the index keeps tokens only). */
  get(messageId: string): SearchHit | undefined {
    const entry = this.entries.get(messageId);
    return entry && hit(messageId, entry);
  }

  /**
   * Index a message, or replace what was indexed for it (an edit): the old tokens are unlinked first. An edit keeps
   * the message's order and author unless the document names them.
   */
  upsert(doc: SearchDocument): void {
    const previous = this.entries.get(doc.messageId);
    if (previous) this.unlink(doc.messageId, previous);
    const tokens = [...new Set(tokenize(doc.text))];
    const entry: Entry = {
      conversationId: doc.conversationId,
      senderUserId: doc.senderUserId ?? previous?.senderUserId,
      order: doc.order ?? previous?.order ?? this.added,
      tokens,
    };
    this.added++;
    this.entries.set(doc.messageId, entry);
    for (const token of tokens) {
      let ids = this.postings.get(token);
      if (!ids) {
        this.postings.set(token, (ids = new Set()));
        this.vocabulary = undefined;
      }
      ids.add(doc.messageId);
    }
  }

  /** Forget a message (deleted); false if it was not indexed. */
  remove(messageId: string): boolean {
    const entry = this.entries.get(messageId);
    if (!entry) return false;
    this.unlink(messageId, entry);
    this.entries.delete(messageId);
    return true;
  }

  /** Forget every message of a conversation (left or deleted); returns how many. */
  removeConversation(conversationId: string): number {
    let removed = 0;
    for (const [messageId, entry] of [...this.entries]) {
      if (entry.conversationId === conversationId && this.remove(messageId)) removed++;
    }
    return removed;
  }

  /** Forget everything (sign-out). */
  clear(): void {
    this.entries.clear();
    this.postings.clear();
    this.vocabulary = undefined;
    this.added = 0;
  }

  /** Messages whose tokens start with every query token, newest first; see the module comment. */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
    const prefixes = [...new Set(tokenize(query))];
    if (prefixes.length === 0 || limit <= 0) return [];
    // Narrowest first: each later prefix only filters what is left.
    const sets = prefixes.map((prefix) => this.idsWithPrefix(prefix)).sort((a, b) => a.size - b.size);
    const hits: SearchHit[] = [];
    for (const messageId of sets[0]!) {
      if (!sets.every((ids) => ids.has(messageId))) continue;
      const entry = this.entries.get(messageId)!;
      if (options.conversationId !== undefined && entry.conversationId !== options.conversationId) continue;
      hits.push(hit(messageId, entry));
    }
    hits.sort((a, b) => b.order - a.order);
    return hits.slice(0, limit);
  }

  /** Ids of messages holding a token that starts with `prefix`. */
  private idsWithPrefix(prefix: string): Set<string> {
    const exact = this.postings.get(prefix);
    const vocabulary = (this.vocabulary ??= [...this.postings.keys()].sort());
    let lo = 0;
    let hi = vocabulary.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (vocabulary[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const longer: Set<string>[] = [];
    for (let i = lo; i < vocabulary.length && vocabulary[i]!.startsWith(prefix); i++) {
      const ids = this.postings.get(vocabulary[i]!);
      if (ids && ids !== exact) longer.push(ids);
    }
    if (longer.length === 0) return exact ?? new Set();
    const union = new Set(exact);
    for (const ids of longer) for (const id of ids) union.add(id);
    return union;
  }

  private unlink(messageId: string, entry: Entry): void {
    for (const token of entry.tokens) {
      const ids = this.postings.get(token);
      if (!ids) continue;
      ids.delete(messageId);
      // The vocabulary may keep the token until its next rebuild; an empty posting is simply skipped then.
      if (ids.size === 0) this.postings.delete(token);
    }
  }
}

function hit(messageId: string, entry: Entry): SearchHit {
  return entry.senderUserId === undefined
    ? { messageId, conversationId: entry.conversationId, order: entry.order }
    : { messageId, conversationId: entry.conversationId, senderUserId: entry.senderUserId, order: entry.order };
}
