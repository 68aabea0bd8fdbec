/** The reactions the picker offers: few and familiar, so picking one is one tap. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** Names for screen readers and tooltips. */
const names: Record<string, string> = {
  '👍': 'thumbs up',
  '❤️': 'heart',
  '😂': 'laughing',
  '😮': 'surprised',
  '😢': 'sad',
  '🙏': 'thank you',
};

export function reactionName(emoji: string): string {
  return names[emoji] ?? emoji;
}

/** "You and bob", "alice, bob and 2 others" for a reaction's tooltip and label. */
export function reactedBy(usernames: readonly string[], mine: boolean): string {
  const people = mine ? ['You', ...usernames] : [...usernames];
  if (people.length === 0) return 'Nobody';
  if (people.length === 1) return people[0]!;
  if (people.length <= 3) return `${people.slice(0, -1).join(', ')} and ${people.at(-1)!}`;
  return `${people.slice(0, 2).join(', ')} and ${people.length - 2} others`;
}
