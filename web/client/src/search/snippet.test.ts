import { describe, expect, it } from 'vitest';
import { matchRanges, snippetOf, type TextSnippet } from './snippet';

/** The highlighted parts of a snippet, as text. */
const marked = (s: TextSnippet) => s.highlights.map((h) => s.text.slice(h.start, h.end));

describe('matchRanges', () => {
  it('marks whole words that a query word starts, folded like the index', () => {
    const text = 'Meeting at the Café tomorrow; meetup later';
    expect(matchRanges(text, 'meet').map((r) => text.slice(r.start, r.end))).toEqual(['Meeting', 'meetup']);
    expect(matchRanges(text, 'cafe TOM').map((r) => text.slice(r.start, r.end))).toEqual(['Café', 'tomorrow']);
    expect(matchRanges(text, 'eeting')).toEqual([]);
    expect(matchRanges(text, ' ... ')).toEqual([]);
  });

  it('keeps offsets into the text as written: decomposed accents, full-width letters, Han, apostrophes', () => {
    const text = 'cafe\u0301 Ｆｕｌｌ 東京で会議 don’t';
    const words = (q: string) => matchRanges(text, q).map((r) => text.slice(r.start, r.end));
    expect(words('café')).toEqual(['cafe\u0301']);
    expect(words('full')).toEqual(['Ｆｕｌｌ']);
    expect(words('会')).toEqual(['会']);
    expect(words("don't")).toEqual(['don’t']);
  });
});

describe('snippetOf', () => {
  it('a short text is shown whole, with its matches', () => {
    const s = snippetOf('The report is ready', 'report');
    expect(s).toEqual({ text: 'The report is ready', highlights: [{ start: 4, end: 10 }] });
  });

  it('a long text is cut around the first match, at word boundaries, with ellipses, within the length', () => {
    const before = 'word '.repeat(40);
    const after = ' and more words'.repeat(20);
    const text = `${before}the quarterly budget is final${after}`;
    const s = snippetOf(text, 'budget', 80);
    expect(s.text.length).toBeLessThanOrEqual(80);
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    // Starts at a word, ends after one; the match is in view with some words before it.
    expect(s.text).toMatch(/^…word /);
    expect(s.text).toMatch(/ (and|more|words)…$/);
    expect(marked(s)).toEqual(['budget']);
    expect(s.text.indexOf('budget')).toBeGreaterThan(20);
  });

  it('no cut before a match near the start; highlights past the window are dropped', () => {
    const text = `budget first, ${'filler '.repeat(30)}budget again`;
    const s = snippetOf(text, 'budget', 60);
    expect(s.text.startsWith('budget first')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(marked(s)).toEqual(['budget']);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'😀'.repeat(60)} target ${'😀'.repeat(60)}`;
    const s = snippetOf(text, 'target', 50);
    expect(s.text.length).toBeLessThanOrEqual(50);
    expect(s.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(marked(s)).toEqual(['target']);
  });

  it('a text without a match (a hit through another word form) starts at the beginning', () => {
    const s = snippetOf('x'.repeat(200), 'zzz', 40);
    expect(s.highlights).toEqual([]);
    expect(s.text).toBe(`${'x'.repeat(39)}…`);
  });
});
