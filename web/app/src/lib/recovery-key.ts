/**
 * The recovery key as the SDK hands it over ("04YQ 611W 7K9S ..."): 64 characters in 16 groups of 4. The app only
 * formats it; parsing and checking it is the SDK's job (`restoreFromRecoveryKey` tolerates typos in spacing/case).
 */

/** The groups of the key, whatever spacing it came with (groups of 4 characters). */
export function recoveryKeyGroups(recoveryKey: string): string[] {
  const compact = recoveryKey.replace(/[\s-]+/g, '').toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < compact.length; i += 4) groups.push(compact.slice(i, i + 4));
  return groups;
}

/** The key in the one form people copy and paste: groups separated by single spaces. */
export function formatRecoveryKey(recoveryKey: string): string {
  return recoveryKeyGroups(recoveryKey).join(' ');
}

/** Characters in a recovery key (16 groups of 4). */
export const RECOVERY_KEY_CHARS = 64;

/**
 * A counter while typing ("42/64"), so the user sees what is missing. Not a validation: the SDK decides (length,
 * alphabet, checksum); this only counts what is not a space or a dash.
 */
export function recoveryKeyProgress(input: string): { characters: number; expected: number } {
  const characters = input.replace(/[\s-]+/g, '').length;
  return { characters, expected: RECOVERY_KEY_CHARS };
}
