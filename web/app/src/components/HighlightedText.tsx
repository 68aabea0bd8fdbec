import type { TextSnippet } from '@cipherlink/client';
import { highlightParts } from '../lib/search';

/** A search snippet with the words the query matched marked; rendered as text, never HTML. */
export function HighlightedText({ snippet }: { snippet: TextSnippet }) {
  return (
    <>
      {highlightParts(snippet).map((part, i) =>
        part.match ? (
          <mark key={i} data-testid="search-match" className="rounded-sm bg-amber-200 text-slate-900 dark:bg-amber-400/30 dark:text-amber-100">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
