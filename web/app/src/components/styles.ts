/** Class names shared by the settings screens, so they look like the rest of the app. */
export const ui = {
  card: 'rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900/60',
  cardTitle: 'text-base font-semibold',
  cardText: 'mt-1 text-sm text-slate-500 dark:text-slate-400',
  label: 'mb-1.5 block text-sm font-medium',
  input:
    'w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base outline-none transition ' +
    'focus:border-emerald-500 focus:ring-2 focus:ring-emerald-500/30 dark:border-slate-700 dark:bg-slate-900',
  primary:
    'inline-flex items-center justify-center gap-2 rounded-lg bg-emerald-600 px-4 py-2 text-sm font-medium text-white transition ' +
    'hover:bg-emerald-500 disabled:opacity-50',
  secondary:
    'inline-flex items-center justify-center gap-2 rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium transition ' +
    'hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800',
  danger:
    'inline-flex items-center justify-center gap-2 rounded-lg border border-red-500/40 px-3 py-2 text-sm font-medium text-red-600 ' +
    'transition hover:bg-red-500/10 disabled:opacity-50 dark:text-red-400',
  dangerSolid:
    'inline-flex items-center justify-center gap-2 rounded-lg bg-red-600 px-4 py-2 text-sm font-medium text-white transition ' +
    'hover:bg-red-500 disabled:opacity-50',
  /** Sizes: one class list each, so no two padding or font-size utilities ever compete. */
  primaryLarge:
    'inline-flex items-center justify-center gap-2 rounded-lg bg-emerald-600 px-4 py-2.5 text-base font-medium text-white transition ' +
    'hover:bg-emerald-500 disabled:opacity-50',
  secondarySmall:
    'inline-flex items-center justify-center gap-1.5 rounded-lg border border-slate-300 px-2.5 py-1.5 text-xs font-medium transition ' +
    'hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800',
  dangerSmall:
    'inline-flex items-center justify-center gap-1.5 rounded-lg border border-red-500/40 px-2.5 py-1.5 text-xs font-medium text-red-600 ' +
    'transition hover:bg-red-500/10 disabled:opacity-50 dark:text-red-400',
  dangerSolidSmall:
    'inline-flex items-center justify-center gap-1.5 rounded-lg bg-red-600 px-2.5 py-1.5 text-xs font-medium text-white transition ' +
    'hover:bg-red-500 disabled:opacity-50',
  error: 'rounded-lg bg-red-500/10 px-3 py-2 text-sm text-red-600 dark:text-red-400',
  success: 'rounded-lg bg-emerald-500/10 px-3 py-2 text-sm text-emerald-700 dark:text-emerald-400',
} as const;
