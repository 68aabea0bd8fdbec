import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { usePlacement } from '../state/usePlacement';
import { QUICK_REACTIONS, reactionName } from '../lib/reactions';

interface Props {
  /** Emoji the local user already reacted with (picking one again removes it). */
  mine: ReadonlySet<string>;
  onPick(emoji: string): void;
  onClose(): void;
  align: 'start' | 'end';
  /** The button that opens the picker: a press on it toggles, so it is not an "outside" click. */
  anchor: RefObject<HTMLElement | null>;
}

/**
 * A small row of reactions over a message. Focus starts on the first one; arrows move, Escape or a click elsewhere
 * closes it and returns focus to the button that opened it.
 */
export function ReactionPicker({ mine, onPick, onClose, align, anchor }: Props) {
  const root = useRef<HTMLDivElement>(null);
  const placement = usePlacement(root, 'above');
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    root.current?.querySelector('button')?.focus();
    function onPointerDown(e: PointerEvent) {
      const target = e.target as Node;
      if (root.current?.contains(target) || anchor.current?.contains(target)) return;
      close.current();
    }
    document.addEventListener('pointerdown', onPointerDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      opener?.focus();
    };
  }, [anchor]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const buttons = [...(root.current?.querySelectorAll('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(at + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length];
    next?.focus();
    e.preventDefault();
  }

  return (
    <div
      ref={root}
      data-testid="reaction-picker"
      role="group"
      aria-label="Pick a reaction"
      onKeyDown={onKeyDown}
      className={`absolute z-20 flex ${placement === 'below' ? 'top-full mt-1' : 'bottom-full mb-1'} gap-0.5 rounded-full border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-800 ${
        align === 'end' ? 'right-0' : 'left-0'
      }`}
    >
      {QUICK_REACTIONS.map((emoji) => (
        <button
          key={emoji}
          data-testid="reaction-option"
          data-emoji={emoji}
          type="button"
          aria-pressed={mine.has(emoji)}
          aria-label={mine.has(emoji) ? `Remove ${reactionName(emoji)}` : `React with ${reactionName(emoji)}`}
          title={reactionName(emoji)}
          onClick={() => onPick(emoji)}
          className={`flex h-9 w-9 items-center justify-center rounded-full text-xl transition hover:scale-110 hover:bg-slate-100 focus-visible:bg-slate-100 dark:hover:bg-slate-700 dark:focus-visible:bg-slate-700 ${
            mine.has(emoji) ? 'bg-emerald-500/15' : ''
          }`}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
