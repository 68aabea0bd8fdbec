/** The product name a password must not contain (NIST SP 800-63B-4: context-specific words). */
export const PRODUCT_NAME = 'cipherlink';

/**
 * Context checks that NIST SP 800-63B-4 asks for on top of the length rule (15..256 code points, checked by the
 * proto schema): a password must not contain the account's username or the service's name, and must not be one
 * character repeated. Comparisons ignore case and Unicode compatibility forms ("ＣｉｐｈｅｒＬｉｎｋ" counts).
 * No composition rules (character classes) on purpose. Returns the reasons, empty when the password is acceptable.
 */
export function passwordPolicyViolations(password: string, context: { username: string }): string[] {
  const fold = (s: string) => s.normalize('NFKC').toLowerCase();
  const folded = fold(password);
  const username = fold(context.username.trim());
  const reasons: string[] = [];
  if (username.length > 0 && folded.includes(username)) reasons.push('password must not contain your username');
  if (folded.includes(PRODUCT_NAME)) reasons.push('password must not contain the name "CipherLink"');
  const codePoints = [...folded];
  if (codePoints.length > 0 && codePoints.every((c) => c === codePoints[0])) reasons.push('password must not be a single repeated character');
  return reasons;
}
