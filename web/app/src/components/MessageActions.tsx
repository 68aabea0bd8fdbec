import { useCallback, useRef, useState } from 'react';
import type { DecryptedMessage } from '@cipherlink/client';
import type { actionsFor } from '../lib/messages';
import type { MessageHandlers } from './MessageBubble';
import { usePlacement } from '../state/usePlacement';
import { ReactionPicker } from './ReactionPicker';
import { PencilIcon, ReplyIcon, SmileIcon, TrashIcon } from './icons';

interface Props extends MessageHandlers {
  message: DecryptedMessage;
  allowed: ReturnType<typeof actionsFor>;
  /** Shown on touch screens after a tap on the bubble (hover screens show them on hover or focus). */
  active: boolean;
  onActiveChange(active: boolean): void;
}

const button =
  'flex h-8 w-8 items-center justify-center rounded-full text-slate-500 transition hover:bg-slate-200 hover:text-slate-700 focus-visible:bg-slate-200 dark:text-slate-400 dark:hover:bg-slate-700 dark:hover:text-slate-200 dark:focus-visible:bg-slate-700';

/** Reply, react, edit and delete next to a message. Keyboard: they appear when focus enters them. */
export function MessageActions({ message, allowed, active, onActiveChange, onReply, onReact, onEdit, onDelete }: Props) {
  const [picker, setPicker] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const closePicker = useCallback(() => setPicker(false), []);
  const reactButton = useRef<HTMLButtonElement>(null);
  if (!allowed.reply && !allowed.react && !allowed.edit && !allowed.delete) return null;

  const open = active || picker || confirmDelete;
  const mine = new Set((message.reactions ?? []).filter((r) => r.mine).map((r) => r.emoji));

  return (
    <div
      data-testid="message-actions"
      className={`flex shrink-0 items-center ${message.mine ? 'flex-row-reverse' : ''} ${
        open ? '' : 'pointer-coarse:hidden pointer-fine:opacity-0 pointer-fine:group-hover:opacity-100 pointer-fine:focus-within:opacity-100'
      }`}
    >
      {allowed.reply && (
        <button
          data-testid="message-reply"
          type="button"
          aria-label="Reply"
          title="Reply"
          onClick={() => {
            onActiveChange(false);
            onReply(message);
          }}
          className={button}
        >
          <ReplyIcon />
        </button>
      )}
      {allowed.react && (
        <button
          ref={reactButton}
          data-testid="message-react"
          type="button"
          aria-label="React"
          aria-expanded={picker}
          title="React"
          onClick={() => setPicker((p) => !p)}
          className={button}
        >
          <SmileIcon />
        </button>
      )}
      {allowed.edit && (
        <button
          data-testid="message-edit"
          type="button"
          aria-label="Edit"
          title="Edit"
          onClick={() => {
            onActiveChange(false);
            onEdit(message);
          }}
          className={button}
        >
          <PencilIcon />
        </button>
      )}
      {allowed.delete && (
        <button data-testid="message-delete" type="button" aria-label="Delete" title="Delete" onClick={() => setConfirmDelete(true)} className={button}>
          <TrashIcon />
        </button>
      )}
      {confirmDelete && (
        <DeletePrompt
          align={message.mine ? 'end' : 'start'}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false);
            onActiveChange(false);
            onDelete(message);
          }}
        />
      )}
      {picker && (
        <ReactionPicker
          mine={mine}
          align={message.mine ? 'end' : 'start'}
          anchor={reactButton}
          onClose={closePicker}
          onPick={(emoji) => {
            setPicker(false);
            onActiveChange(false);
            onReact(message, emoji);
          }}
        />
      )}
    </div>
  );
}

/** "Delete for everyone?" next to the message, positioned against the message row so it never squeezes the bubble. */
function DeletePrompt({ align, onCancel, onConfirm }: { align: 'start' | 'end'; onCancel(): void; onConfirm(): void }) {
  const root = useRef<HTMLDivElement>(null);
  const placement = usePlacement(root, 'below');
  return (
    <div
      ref={root}
      data-testid="message-delete-prompt"
      role="group"
      aria-label="Delete this message for everyone?"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
      className={`absolute z-20 flex items-center gap-1 rounded-full border border-slate-200 bg-white px-2 py-1 text-xs whitespace-nowrap shadow-lg dark:border-slate-700 dark:bg-slate-800 ${
        placement === 'below' ? 'top-full mt-1' : 'bottom-full mb-1'
      } ${align === 'end' ? 'right-0' : 'left-0'}`}
    >
      <span className="px-1">Delete for everyone?</span>
      <button
        data-testid="message-delete-confirm"
        type="button"
        autoFocus
        onClick={onConfirm}
        className="rounded-full bg-red-600 px-2.5 py-1 font-medium text-white hover:bg-red-500"
      >
        Delete
      </button>
      <button type="button" onClick={onCancel} className="rounded-full px-2 py-1 font-medium hover:bg-slate-100 dark:hover:bg-slate-700">
        Cancel
      </button>
    </div>
  );
}
