import { consumeDurable, publishDurable, type DurableConsumer, type Logger, type Nats } from '@cipherlink/kit';
import { consumers, MessageSendCommand, MessageStoredEvent, streams, subjects } from '@cipherlink/proto';
import { decideDuplicate } from '../domain/duplicate-policy';
import { createKeyedSerializer } from '../domain/keyed-serializer';
import type { MessageStore } from '../store/message-store';

/**
 * Consume `cl.cmd.message.v1.send.*`: store each command, then announce it on `cl.evt.message.v1.stored.<conv>`.
 * JetStream is acked only after the handler resolves, i.e. after the database commit and the event publish, so a
 * crash in between redelivers the command and the idempotent append republishes the same event.
 */
export async function startSendCommandConsumer(
  nats: Nats,
  store: MessageStore,
  opts: { logger: Logger; concurrency: number },
): Promise<DurableConsumer> {
  const log = opts.logger.child({ module: 'send-command-consumer' });
  // Parallel across conversations, in delivery order within one, so seqs follow the order the gateway published.
  const perConversation = createKeyedSerializer();
  return consumeDurable(
    nats,
    {
      stream: streams.messageCommands.name,
      durable: consumers.messageStoreSend,
      filterSubject: subjects.cmd.messageSendAll,
      schema: MessageSendCommand,
      logger: opts.logger,
      concurrency: opts.concurrency,
    },
    (cmd) =>
      perConversation.run(cmd.conversationId.toLowerCase(), async () => {
        const { message, created } = await store.append(cmd);
        if (!created && decideDuplicate(message, cmd) === 'conflict') {
          // Acked and dropped: retrying can never succeed and the original belongs to someone else.
          log.warn({ messageId: cmd.id, conversationId: cmd.conversationId }, 'message id already used by another message; dropped');
          return;
        }
        await publishDurable(nats, subjects.evt.messageStored(message.conversationId), MessageStoredEvent, { v: 1, message }, {
          msgId: `stored:${message.id}`,
        });
        log.debug(
          { messageId: message.id, conversationId: message.conversationId, seq: message.seq, ctChars: message.envelope.ct.length, created },
          created ? 'message stored' : 'duplicate command; stored event republished',
        );
      }),
  );
}
