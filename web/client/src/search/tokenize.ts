/**
 * Words of a message for full-text search: lowercase Unicode words, the same function for messages and queries.
 *
 * - A word is a run of letters, digits and combining marks (`\p{L}\p{N}\p{M}`), with inner apostrophes allowed and
 *   then dropped ("don't" -> "dont", so a query typed either way matches). Everything else separates words
 *   (spaces, punctuation, symbols, emoji).
 * - Han, Hiragana and Katakana are written without spaces, so each of their characters is a word of its own; a
 *   query of several such characters then finds messages holding all of them (no dictionary segmentation:
 *   Intl.Segmenter is about ten times slower than this whole tokenizer).
 * - Folding: compatibility forms (NFKD: full-width letters, ligatures, roman numerals), Latin/Greek/Cyrillic
 *   diacritics dropped ("café" -> "cafe"), recomposed (NFC, so Kana voicing marks stay on their letter), then
 *   lowercased. Pure-ASCII text, the common case, skips the Unicode work.
 * - A word longer than MAX_TOKEN_CHARS is cut to that length (long links and pasted blobs stay findable by
 *   prefix without bloating the index).
 */

/** Longest token kept, in UTF-16 code units. */
export const MAX_TOKEN_CHARS = 64;

/** Any UTF-16 code unit outside ASCII (surrogates included). */
const NON_ASCII = /[\u0080-\uffff]/;
const ASCII_WORD = /[a-z0-9]+(?:'[a-z0-9]+)*/g;
const NO_SPACE_SCRIPTS = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}';
const WORD_CHAR = `(?:(?![${NO_SPACE_SCRIPTS}])[\\p{L}\\p{N}\\p{M}])`;
const UNICODE_WORD = new RegExp(`[${NO_SPACE_SCRIPTS}]|${WORD_CHAR}+(?:['\u2019]${WORD_CHAR}+)*`, 'gu');
/** Combining Diacritical Marks: the accents NFKD splits off Latin, Greek and Cyrillic letters. */
const DIACRITICS = /[\u0300-\u036f]/g;
const APOSTROPHES = /['\u2019]/g;

/** The search tokens of `text`, in order, duplicates kept. */
export function tokenize(text: string): string[] {
  const words = NON_ASCII.test(text) ? fold(text).match(UNICODE_WORD) : text.toLowerCase().match(ASCII_WORD);
  if (!words) return [];
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    if (word.includes("'") || word.includes('\u2019')) word = word.replace(APOSTROPHES, '');
    if (word.length > MAX_TOKEN_CHARS) word = cut(word);
    words[i] = word;
  }
  return words;
}

/** A word of a text as written: where it is (UTF-16 offsets, `end` exclusive) and its search tokens. */
export interface WordSpan {
  start: number;
  end: number;
  /** What `tokenize` makes of the word (usually one token; none for a word that folds to nothing). */
  tokens: string[];
}

/**
 * The words of `text` where they stand in it, for highlighting what a query matched. Words are found in the text
 * as written (the same word rule as `tokenize`), then each is folded on its own, so "Café" is one span whose token
 * is "cafe" and offsets always point into `text`.
 */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(UNICODE_WORD)) {
    const tokens = tokenize(match[0]);
    if (tokens.length > 0) spans.push({ start: match.index, end: match.index + match[0].length, tokens });
  }
  return spans;
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC').toLowerCase();
}

/** The first MAX_TOKEN_CHARS code units, without splitting a surrogate pair. */
function cut(word: string): string {
  const last = word.charCodeAt(MAX_TOKEN_CHARS - 1);
  return word.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_TOKEN_CHARS - 1 : MAX_TOKEN_CHARS);
}
