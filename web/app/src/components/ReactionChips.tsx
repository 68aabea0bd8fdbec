import type { ReactionSummary } from '@cipherlink/client';
import { reactedBy, reactionName } from '../lib/reactions';

interface Props {
  reactions: ReactionSummary[];
  nameOf(userId: string): string;
  disabled: boolean;
  onToggle(emoji: string): void;
  align: 'start' | 'end';
}

/** Reactions under a message, one chip per emoji with its count; a chip toggles the local user's own reaction. */
export function ReactionChips({ reactions, nameOf, disabled, onToggle, align }: Props) {
  return (
    <ul aria-label="Reactions" className={`-mt-1.5 flex flex-wrap gap-1 px-2 ${align === 'end' ? 'justify-end' : ''}`}>
      {reactions.map((r) => {
        const others = r.userIds.map(nameOf).filter((n) => n !== 'You');
        const who = reactedBy(others, r.mine);
        return (
          <li key={r.emoji}>
            <button
              type="button"
              data-testid="reaction-chip"
              data-emoji={r.emoji}
              data-count={r.userIds.length}
              data-mine={r.mine ? 'true' : 'false'}
              aria-pressed={r.mine}
              aria-label={`${reactionName(r.emoji)}: ${who}. ${r.mine ? 'Remove yours' : 'Add yours'}`}
              title={`${who} reacted with ${reactionName(r.emoji)}`}
              disabled={disabled}
              onClick={() => onToggle(r.emoji)}
              className={`relative inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-sm shadow-sm transition disabled:cursor-default ${
                r.mine
                  ? 'border-emerald-500/50 bg-emerald-50 text-emerald-800 dark:bg-emerald-500/15 dark:text-emerald-300'
                  : 'border-slate-200 bg-white text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200'
              }`}
            >
              <span aria-hidden="true">{r.emoji}</span>
              <span className="text-xs font-medium tabular-nums">{r.userIds.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
