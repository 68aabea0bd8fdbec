import { PresenceDot } from './PresenceDot';
import { RoomIcon } from './icons';

const palette = ['bg-emerald-600', 'bg-sky-600', 'bg-violet-600', 'bg-amber-600', 'bg-rose-600', 'bg-teal-600', 'bg-indigo-600'];

/** A stable colour for a name. */
export function colourOf(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return palette[hash % palette.length]!;
}

interface Props {
  name: string;
  online?: boolean | undefined;
  /** A room gets a group icon on a rounded square instead of an initial. */
  room?: boolean;
  size?: 'md' | 'sm';
}

/** Initial on a colour derived from the name (a group icon for rooms); optional presence dot in the corner. */
export function Avatar({ name, online, room = false, size = 'md' }: Props) {
  const box = size === 'sm' ? 'h-8 w-8 text-xs' : 'h-10 w-10 text-sm';
  return (
    <span className="relative inline-flex shrink-0">
      <span
        aria-hidden="true"
        className={`${colourOf(name)} ${box} flex items-center justify-center font-semibold uppercase text-white ${room ? 'rounded-xl' : 'rounded-full'}`}
      >
        {room ? <RoomIcon className={size === 'sm' ? 'h-4 w-4' : 'h-5 w-5'} /> : ([...name][0] ?? '?')}
      </span>
      {online !== undefined && <PresenceDot online={online} className="absolute -right-0.5 -bottom-0.5" />}
    </span>
  );
}
