import { Spinner } from './Spinner';
import { LockIcon } from './LockIcon';

/** Shown while the SDK tries to resume the previous session. */
export function SplashScreen() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-4 text-slate-500 dark:text-slate-400">
      <div className="flex items-center gap-2 text-lg font-semibold text-slate-900 dark:text-slate-100">
        <LockIcon className="h-5 w-5 text-emerald-500" />
        CipherLink
      </div>
      <Spinner label="Restoring your session" />
    </div>
  );
}
