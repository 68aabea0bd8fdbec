import { PresenceDot } from './PresenceDot';

const palette = ['bg-emerald-600', 'bg-sky-600', 'bg-violet-600', 'bg-amber-600', 'bg-rose-600', 'bg-teal-600', 'bg-indigo-600'];

/** Initial on a colour derived from the name; optional presence dot in the corner. */
export function Avatar({ name, online }: { name: string; online?: boolean | undefined }) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  const colour = palette[hash % palette.length];
  return (
    <span className="relative inline-flex shrink-0">
      <span
        aria-hidden="true"
        className={`${colour} flex h-10 w-10 items-center justify-center rounded-full text-sm font-semibold uppercase text-white`}
      >
        {[...name][0] ?? '?'}
      </span>
      {online !== undefined && <PresenceDot online={online} className="absolute -right-0.5 -bottom-0.5" />}
    </span>
  );
}
