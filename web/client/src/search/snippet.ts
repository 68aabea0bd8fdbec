/**
 * What a search result shows of a message: the words the query matched (to highlight them) and, for a long text,
 * a window around the first match. Matching follows the index (message-search-index.ts): a word matches when one
 * of its tokens starts with one of the query's tokens, after the same folding ("cafe" highlights "Café").
 */
import { tokenize, wordSpans } from './tokenize';

/** A range of a text in UTF-16 code units, `end` exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

/** A piece of a message's text and the ranges of it to highlight. */
export interface TextSnippet {
  text: string;
  highlights: TextRange[];
}

/** Longest snippet, in UTF-16 code units, ellipses included. */
export const DEFAULT_SNIPPET_CHARS = 120;
/** How much of the text before the first match a cut snippet keeps, so the match is read in context. */
const CONTEXT_BEFORE_CHARS = 30;
const ELLIPSIS = '…';
const WHITESPACE = /\s/;

/** The words of `text` that `query` matches, in order. */
export function matchRanges(text: string, query: string): TextRange[] {
  const prefixes = [...new Set(tokenize(query))];
  if (prefixes.length === 0) return [];
  return wordSpans(text)
    .filter((span) => span.tokens.some((token) => prefixes.some((prefix) => token.startsWith(prefix))))
    .map(({ start, end }) => ({ start, end }));
}

/**
 * The text to show for a hit: all of it when it fits in `maxChars`, else a window that starts a little before the
 * first match (at a word boundary when there is one) and ends at a word boundary, marked with "…" where cut.
 * Highlights are relative to the snippet's text.
 */
export function snippetOf(text: string, query: string, maxChars = DEFAULT_SNIPPET_CHARS): TextSnippet {
  const ranges = matchRanges(text, query);
  if (text.length <= maxChars) return { text, highlights: ranges };
  const first = ranges[0]?.start ?? 0;
  let start = Math.max(0, first - CONTEXT_BEFORE_CHARS);
  if (start > 0 && !isWhitespace(text, start - 1)) {
    // Begin at the next word rather than in the middle of one, when that word is not past the match.
    const space = firstWhitespace(text, start, first);
    if (space >= 0) start = space + 1;
    else if (isLowSurrogate(text.charCodeAt(start))) start++;
  }
  const lead = start > 0 ? ELLIPSIS : '';
  let end = Math.min(text.length, start + maxChars - lead.length);
  if (end < text.length) {
    end -= ELLIPSIS.length;
    // Cut after a whole word when the window holds a space past its first match.
    const space = lastWhitespace(text, Math.max(start, ranges[0]?.end ?? start), end);
    if (space > start) end = space;
    if (isLowSurrogate(text.charCodeAt(end))) end--;
  }
  const body = text.slice(start, end).trimEnd();
  end = start + body.length;
  const tail = end < text.length ? ELLIPSIS : '';
  const shift = lead.length - start;
  const highlights = ranges
    .filter((r) => r.end > start && r.start < end)
    .map((r) => ({ start: Math.max(r.start, start) + shift, end: Math.min(r.end, end) + shift }));
  return { text: `${lead}${body}${tail}`, highlights };
}

/** Index of the first whitespace in text[from, to), or -1. */
function firstWhitespace(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (isWhitespace(text, i)) return i;
  return -1;
}

/** Index of the last whitespace in text[from, to), or -1. */
function lastWhitespace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (isWhitespace(text, i)) return i;
  return -1;
}

function isWhitespace(text: string, at: number): boolean {
  return WHITESPACE.test(text[at] ?? '');
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
