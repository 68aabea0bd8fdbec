import { useEffect, useState } from 'react';
import type { Conversation, PublicUser } from '@cipherlink/proto';
import { UntrustedIdentityError, type DecryptedMessage } from '@cipherlink/client';
import { useClient } from '../state/ClientContext';
import { useIdentityAlerts } from '../state/useIdentityAlerts';
import type { MessageStore } from '../state/useMessages';
import type { PresenceMap } from '../state/usePresence';
import { describeError } from '../lib/errors';
import { isRoom, nameOf, peerOf } from '../lib/conversation';
import { quoteOf } from '../lib/messages';
import { ChatHeader } from './ChatHeader';
import { Composer, type ComposerContext } from './Composer';
import { IdentityChangeBanner } from './IdentityChangeBanner';
import { MembersSheet } from './MembersSheet';
import { MessageList, type MessageFocus } from './MessageList';
import { SafetyNumberDialog } from './SafetyNumberDialog';

interface Props {
  conversation: Conversation;
  me: PublicUser;
  presence: PresenceMap;
  messages: MessageStore;
  focus: MessageFocus | null;
  /** The directory returned an updated conversation (member added, admin promoted). */
  onConversationChanged(conversation: Conversation): void;
  onLeave(conversation: Conversation): Promise<void>;
  onBack(): void;
}

/**
 * Errors a send can meet before the message exists (nothing was sent, the draft goes back to the composer). Later
 * failures (rejected, no ack) are shown on the bubble, with a retry.
 */
const REFUSED_BEFORE_SENDING = new Set(['UnsupportedConversationError', 'NotSignedInError', 'EncryptionNotReadyError', 'MessageTooLongError']);

export function ChatPane({ conversation, me, presence, messages, focus, onConversationChanged, onLeave, onBack }: Props) {
  const client = useClient();
  const [sendError, setSendError] = useState<string | null>(null);
  const [context, setContext] = useState<ComposerContext | null>(null);
  const [membersOpen, setMembersOpen] = useState(false);
  const [safetyFor, setSafetyFor] = useState<PublicUser | null>(null);
  const alerts = useIdentityAlerts(conversation.id);
  const { loadHistory, dismiss } = messages;
  const entry = messages.byConversation.get(conversation.id);
  const peer = isRoom(conversation) ? undefined : peerOf(conversation, me.id);
  const name = (userId: string) => nameOf(conversation, userId, me.id);

  useEffect(() => {
    loadHistory(conversation.id);
  }, [conversation.id, loadHistory]);

  async function send(text: string): Promise<boolean> {
    setSendError(null);
    const current = context;
    if (current?.kind === 'edit') {
      try {
        await client.edit(current.messageId, text);
        setContext(null);
        return true;
      } catch (err) {
        setSendError(describeError(err, 'Could not edit the message.'));
        return false;
      }
    }
    setContext(null);
    try {
      // The SDK emits the pending message, then sent or failed; the bubble follows those events.
      await client.sendText(conversation.id, text, current?.kind === 'reply' ? { replyTo: current.messageId } : {});
      return true;
    } catch (err) {
      if (err instanceof UntrustedIdentityError) {
        alerts.markBlocked(err.userIds);
      } else if (err instanceof Error && REFUSED_BEFORE_SENDING.has(err.name)) {
        setSendError(describeError(err, 'Could not send the message.'));
      } else {
        return true;
      }
      setContext(current);
      return false;
    }
  }

  function retry(message: DecryptedMessage) {
    if (message.body.kind !== 'text') return;
    dismiss(message.id);
    const replyTo = message.replyTo?.messageId;
    void client.sendText(conversation.id, message.body.text, replyTo ? { replyTo } : {}).catch((err: unknown) => {
      if (err instanceof UntrustedIdentityError) alerts.markBlocked(err.userIds);
    });
  }

  async function act(what: string, action: () => Promise<unknown>) {
    setSendError(null);
    try {
      await action();
    } catch (err) {
      if (err instanceof UntrustedIdentityError) alerts.markBlocked(err.userIds);
      setSendError(describeError(err, `Could not ${what}.`));
    }
  }

  // One banner row per contact with an unaccepted key change: from the SDK's notices, or a send it refused.
  const changedIds = [...new Set([...alerts.notices.map((n) => n.userId), ...alerts.blocked])];
  const changes = changedIds.map((userId) => ({
    userId,
    username: name(userId),
    notice: alerts.notices.find((n) => n.userId === userId),
    blocked: alerts.blocked.has(userId),
  }));
  const blockedNames = changes.filter((c) => c.blocked).map((c) => c.username);
  const blockedReason =
    blockedNames.length > 0 ? `Sending is paused until you accept the new key of ${blockedNames.join(', ')} (see above).` : null;

  return (
    <>
      <ChatHeader
        conversation={conversation}
        me={me}
        peerPresence={peer ? presence.get(peer.id) : undefined}
        onBack={onBack}
        onOpenMembers={() => setMembersOpen(true)}
        onOpenSafetyNumber={setSafetyFor}
      />
      <IdentityChangeBanner
        changes={changes}
        onViewSafetyNumber={(userId) => setSafetyFor({ id: userId, username: name(userId) })}
        onAccept={alerts.accept}
      />
      <MessageList
        conversation={conversation}
        me={me}
        entry={entry}
        focus={focus}
        onReload={() => loadHistory(conversation.id, { force: true })}
        onOpenMembers={() => setMembersOpen(true)}
        onRetry={retry}
        onReply={(m) => setContext({ kind: 'reply', messageId: m.id, author: name(m.senderUserId), quote: quoteOf(m) })}
        onEdit={(m) => m.body.kind === 'text' && setContext({ kind: 'edit', messageId: m.id, text: m.body.text })}
        onReact={(m, emoji) => void act('react', () => client.react(m.id, emoji))}
        onDelete={(m) => {
          if (context?.messageId === m.id) setContext(null);
          void act('delete the message', () => client.deleteMessage(m.id));
        }}
      />
      <Composer
        onSend={send}
        error={sendError}
        context={context}
        onCancelContext={() => setContext(null)}
        blockedReason={blockedReason}
      />
      {membersOpen && (
        <MembersSheet
          conversation={conversation}
          me={me}
          onClose={() => setMembersOpen(false)}
          onChanged={onConversationChanged}
          onLeave={onLeave}
          onOpenSafetyNumber={setSafetyFor}
        />
      )}
      {safetyFor && <SafetyNumberDialog user={safetyFor} onClose={() => setSafetyFor(null)} />}
    </>
  );
}
