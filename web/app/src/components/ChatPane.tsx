import { useEffect, useState } from 'react';
import type { Conversation, PublicUser } from '@cipherlink/proto';
import { NotSignedInError, UnsupportedConversationError, type DecryptedMessage } from '@cipherlink/client';
import { useClient } from '../state/ClientContext';
import type { MessageStore } from '../state/useMessages';
import type { PresenceMap } from '../state/usePresence';
import { describeError } from '../lib/errors';
import { peerOf } from '../lib/conversation';
import { ChatHeader } from './ChatHeader';
import { MessageList } from './MessageList';
import { Composer } from './Composer';

interface Props {
  conversation: Conversation;
  me: PublicUser;
  presence: PresenceMap;
  messages: MessageStore;
  onBack(): void;
}

export function ChatPane({ conversation, me, presence, messages, onBack }: Props) {
  const client = useClient();
  const [sendError, setSendError] = useState<string | null>(null);
  const { loadHistory, dismiss } = messages;
  const entry = messages.byConversation.get(conversation.id);
  const peer = peerOf(conversation, me.id);

  useEffect(() => {
    loadHistory(conversation.id);
  }, [conversation.id, loadHistory]);

  async function send(text: string) {
    setSendError(null);
    try {
      // The SDK emits the pending message, then sent or failed; the bubble follows those events.
      await client.sendText(conversation.id, text);
    } catch (err) {
      // A send that got as far as a bubble is shown there as failed with a retry; only earlier refusals go here.
      if (err instanceof UnsupportedConversationError || err instanceof NotSignedInError) {
        setSendError(describeError(err, 'Could not send the message.'));
      }
    }
  }

  function retry(message: DecryptedMessage) {
    if (message.body.kind !== 'text') return;
    dismiss(message.id);
    void send(message.body.text);
  }

  return (
    <>
      <ChatHeader conversation={conversation} me={me} peerPresence={peer ? presence.get(peer.id) : undefined} onBack={onBack} />
      <MessageList
        entry={entry}
        peerName={peer?.username ?? 'them'}
        onRetry={retry}
        onReload={() => loadHistory(conversation.id, { force: true })}
      />
      <Composer onSend={(text) => void send(text)} error={sendError} />
    </>
  );
}
