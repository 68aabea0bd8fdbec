import { useEffect, useId, useRef, useState } from 'react';
import { formatRecoveryKey, recoveryKeyGroups } from '../lib/recovery-key';
import { CopyIcon, KeyIcon } from './icons';
import { ui } from './styles';

interface Props {
  recoveryKey: string;
  username: string;
  onDone(): void;
}

type CopyState = 'idle' | 'copied' | 'selected';

/**
 * The recovery key, shown once right after the keys were created: readable groups, a copy button, and an explicit
 * "I have written it down" before the app continues. The key lives only in memory while this screen is up.
 */
export function RecoveryKeyScreen({ recoveryKey, username, onDone }: Props) {
  const [saved, setSaved] = useState(false);
  const [copy, setCopy] = useState<CopyState>('idle');
  const keyBox = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const checkboxId = useId();
  const groups = recoveryKeyGroups(recoveryKey);
  const text = formatRecoveryKey(recoveryKey);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(text);
      setCopy('copied');
    } catch {
      // No clipboard permission (or an insecure context): select the key so the user can copy it themselves.
      const box = keyBox.current;
      const selection = window.getSelection();
      if (box && selection) {
        const range = document.createRange();
        range.selectNodeContents(box);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopy('selected');
    }
  }

  return (
    <main data-testid="recovery-key-screen" className="flex min-h-full items-center justify-center px-4 py-8 sm:py-12">
      <div className="w-full max-w-lg">
        <div className="mb-6 text-center">
          <div className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-2xl bg-emerald-500/15 text-emerald-600 dark:text-emerald-400">
            <KeyIcon className="h-6 w-6" />
          </div>
          <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
            Save your recovery key
          </h1>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
            It unlocks your messages in a new or cleared browser. It is shown <strong>only this once</strong>, and nobody can
            recover it for you: CipherLink never sees it.
          </p>
        </div>

        <section aria-labelledby="recovery-key-label" className={`${ui.card} space-y-4`}>
          <div className="flex items-center justify-between gap-3">
            <h2 id="recovery-key-label" className="text-sm font-medium">
              Recovery key for <span className="font-semibold">{username}</span>
            </h2>
            <button data-testid="recovery-key-copy" type="button" onClick={() => void copyKey()} className={ui.secondary}>
              <CopyIcon className="h-4 w-4" />
              {copy === 'copied' ? 'Copied' : 'Copy'}
            </button>
          </div>

          <div
            ref={keyBox}
            data-testid="recovery-key"
            aria-label={`Recovery key: ${groups.join(', ')}`}
            role="group"
            className="grid grid-cols-4 gap-x-2 gap-y-2 rounded-xl border border-dashed border-emerald-500/40 bg-emerald-500/5 p-3 font-mono text-base tracking-wider select-all sm:gap-x-3 sm:p-4 sm:text-lg"
          >
            {groups.map((group, i) => (
              <span key={i} data-testid="recovery-key-group" className="text-center tabular-nums">
                {group}
                {/* Copying a selection keeps the spaces between groups. */}
                <span className="sr-only"> </span>
              </span>
            ))}
          </div>
          <p role="status" className="-mt-2 min-h-4 text-xs text-slate-500 empty:hidden dark:text-slate-400">
            {copy === 'copied' && 'Copied. Paste it into a password manager or print it, then clear your clipboard.'}
            {copy === 'selected' && 'Selected. Press Ctrl+C (or ⌘C) to copy it.'}
          </p>

          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-600 dark:text-slate-300">
            <li>Write it on paper or keep it in a password manager, not in a note on this device.</li>
            <li>Anyone with this key and your password can read your messages.</li>
            <li>You can also set a backup passphrase later in Security.</li>
          </ul>

          <div className="flex items-start gap-3 rounded-lg bg-slate-100 p-3 dark:bg-slate-800/60">
            <input
              id={checkboxId}
              data-testid="recovery-key-confirm"
              type="checkbox"
              checked={saved}
              onChange={(e) => setSaved(e.target.checked)}
              className="mt-0.5 h-5 w-5 shrink-0 accent-emerald-600"
            />
            <label htmlFor={checkboxId} className="text-sm font-medium">
              I have written down my recovery key and put it somewhere safe.
            </label>
          </div>

          <button data-testid="recovery-key-continue" type="button" disabled={!saved} onClick={onDone} className={`${ui.primaryLarge} w-full`}>
            Continue
          </button>
        </section>
      </div>
    </main>
  );
}
