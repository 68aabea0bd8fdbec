import type { DecryptedMessage, MessageStatus, ReactionSummary, ReplyReference, UndecryptableCode } from './types';

/** The routing facts of one message (what the server stored beside the ciphertext, or our draft). */
export interface MessageMeta {
  id: string;
  conversationId: string;
  /** Per-conversation sequence number; 0 while pending. */
  seq: number;
  senderUserId: string;
  senderDeviceId: string;
  createdAt: string;
  status: MessageStatus;
  mine: boolean;
  protocol: 0 | 1;
}

/** What one message carries once decrypted: a text, an action on another message, or nothing readable (yet). */
export type ItemContent =
  | { kind: 'text'; text: string; replyTo?: ReplyReference }
  | { kind: 'reaction'; targetId: string; emoji: string; remove: boolean }
  | { kind: 'edit'; targetId: string; text: string }
  | { kind: 'delete'; targetId: string }
  | { kind: 'undecryptable'; code: UndecryptableCode; reason: string; retrying: boolean };

export interface LogItem {
  meta: MessageMeta;
  content: ItemContent;
}

/** What a `put` changed in the visible list: messages to show (again) and ids no longer shown. */
export interface LogChange {
  changed: DecryptedMessage[];
  removed: string[];
}

type ActionContent = Extract<ItemContent, { kind: 'reaction' | 'edit' | 'delete' }>;

function isAction(content: ItemContent): content is ActionContent {
  return content.kind === 'reaction' || content.kind === 'edit' || content.kind === 'delete';
}

const DELETED_REASON = 'deleted by the sender';

/**
 * The local copy of one conversation: every message by id (dedupe), and `lastSeq`, the highest sequence number up
 * to which this client has every message (the `afterSeq` of the next history fetch).
 *
 * Reactions, edits and deletes are messages of their own, kept here but not listed; what a text message looks like
 * is computed from the actions that target it, in seq order, whatever order they arrived in:
 * - an edit or a delete counts only when its sender is the author of the target (anyone else's is ignored);
 * - the edit with the highest seq wins; a delete is final (a tombstone, without text, reactions or edits);
 * - one reaction per (user, emoji): the add or remove with the highest seq wins.
 * Actions count once they have a seq (stored on the server); a pending one changes nothing yet.
 */
export class ConversationLog {
  lastSeq = 0;
  private readonly items = new Map<string, LogItem>();
  /** target id -> ids of the actions naming it. */
  private readonly actions = new Map<string, Set<string>>();

  constructor(private readonly selfUserId: string) {}

  get(id: string): LogItem | undefined {
    return this.items.get(id);
  }

  /** Add or replace an item (same id); returns what changed in the visible list. */
  put(item: LogItem): LogChange {
    const id = item.meta.id;
    const before = this.items.get(id);
    const wasVisible = before !== undefined && this.view(id) !== undefined;
    if (before && isAction(before.content)) this.actions.get(before.content.targetId)?.delete(id);
    this.items.set(id, item);
    if (isAction(item.content)) {
      let set = this.actions.get(item.content.targetId);
      if (!set) this.actions.set(item.content.targetId, (set = new Set()));
      set.add(id);
    }
    const change: LogChange = { changed: [], removed: [] };
    const now = this.view(id);
    if (now) change.changed.push(now);
    else if (wasVisible) change.removed.push(id);
    for (const targetId of new Set([before, item].flatMap((i) => (i && isAction(i.content) ? [i.content.targetId] : [])))) {
      const target = this.view(targetId);
      if (target) change.changed.push(target);
    }
    return change;
  }

  /** The message as shown, or undefined for actions and unknown ids. */
  view(id: string): DecryptedMessage | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    const { meta, content } = item;
    const base: DecryptedMessage = {
      id: meta.id,
      conversationId: meta.conversationId,
      seq: meta.seq,
      senderUserId: meta.senderUserId,
      senderDeviceId: meta.senderDeviceId,
      createdAt: meta.createdAt,
      status: meta.status,
      mine: meta.mine,
      protocol: meta.protocol,
      body: { kind: 'deleted', reason: DELETED_REASON },
    };
    if (content.kind === 'undecryptable') {
      return { ...base, body: { kind: 'undecryptable', reason: content.reason, code: content.code, retrying: content.retrying } };
    }
    if (content.kind !== 'text') return undefined;
    const actions = [...(this.actions.get(id) ?? [])]
      .map((a) => this.items.get(a)!)
      .filter((a) => a.meta.seq > 0)
      .sort((a, b) => a.meta.seq - b.meta.seq);
    const byAuthor = (a: LogItem) => a.meta.senderUserId === meta.senderUserId;
    if (actions.some((a) => a.content.kind === 'delete' && byAuthor(a))) return base;
    const message: DecryptedMessage = { ...base, body: { kind: 'text', text: content.text } };
    if (content.replyTo) message.replyTo = { ...content.replyTo };
    const edit = actions.filter((a) => a.content.kind === 'edit' && byAuthor(a)).at(-1);
    if (edit && edit.content.kind === 'edit') {
      message.body = { kind: 'text', text: edit.content.text };
      message.editedAt = edit.meta.createdAt;
    }
    const reactions = aggregateReactions(actions, this.selfUserId);
    if (reactions.length) message.reactions = reactions;
    return message;
  }

  /** Visible messages by seq; pending ones (seq 0) last, in id (creation) order. */
  list(): DecryptedMessage[] {
    const out: DecryptedMessage[] = [];
    for (const id of this.items.keys()) {
      const m = this.view(id);
      if (m) out.push(m);
    }
    return out.sort((a, b) => {
      const sa = a.seq || Number.MAX_SAFE_INTEGER;
      const sb = b.seq || Number.MAX_SAFE_INTEGER;
      return sa - sb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }

  /** Every item (actions and undecryptable ones included), for lookups across the log. */
  all(): IterableIterator<LogItem> {
    return this.items.values();
  }
}

/** The latest add/remove per (user, emoji) wins; emojis in the order of their earliest standing reaction. */
function aggregateReactions(actionsBySeq: LogItem[], selfUserId: string): ReactionSummary[] {
  const latest = new Map<string, { user: string; emoji: string; on: boolean; seq: number }>();
  for (const a of actionsBySeq) {
    if (a.content.kind !== 'reaction') continue;
    const key = `${a.meta.senderUserId}\n${a.content.emoji}`;
    latest.set(key, { user: a.meta.senderUserId, emoji: a.content.emoji, on: !a.content.remove, seq: a.meta.seq });
  }
  const byEmoji = new Map<string, { users: { user: string; seq: number }[]; first: number }>();
  for (const r of latest.values()) {
    if (!r.on) continue;
    let e = byEmoji.get(r.emoji);
    if (!e) byEmoji.set(r.emoji, (e = { users: [], first: r.seq }));
    e.users.push({ user: r.user, seq: r.seq });
    e.first = Math.min(e.first, r.seq);
  }
  return [...byEmoji.entries()]
    .sort(([, a], [, b]) => a.first - b.first)
    .map(([emoji, e]) => {
      const userIds = e.users.sort((a, b) => a.seq - b.seq).map((u) => u.user);
      return { emoji, userIds, mine: userIds.includes(selfUserId) };
    });
}
