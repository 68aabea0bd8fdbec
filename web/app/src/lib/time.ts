const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const yearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "14:03" for a message bubble. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : timeFormat.format(d);
}

/** Full date and time, for tooltips. */
export function formatFull(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : fullFormat.format(d);
}

/** Compact, for lists: "14:03" today, "3 Mar" this year, "3 Mar 2024" before. */
export function formatShortDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (sameDay(d, now)) return timeFormat.format(d);
  return d.getFullYear() === now.getFullYear() ? dateFormat.format(d) : yearFormat.format(d);
}

/** "just now", "5 min ago", "today at 14:03", "yesterday at 09:12", "3 Mar at 18:40". */
export function formatLastSeen(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'a while ago';
  const seconds = Math.max(0, (now.getTime() - d.getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (sameDay(d, now)) return `today at ${timeFormat.format(d)}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(d, yesterday)) return `yesterday at ${timeFormat.format(d)}`;
  return `${dateFormat.format(d)} at ${timeFormat.format(d)}`;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}
