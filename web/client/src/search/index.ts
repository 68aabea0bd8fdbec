/**
 * Client-side full-text search over decrypted messages (in memory, no DOM, no network). The server never sees
 * plaintext, so search runs where the plaintext is: build the index from decrypted messages, keep it in step with
 * edits and deletes, query it as the user types.
 */
export { MAX_TOKEN_CHARS, tokenize, wordSpans, type WordSpan } from './tokenize';
export { DEFAULT_SEARCH_LIMIT, MessageSearchIndex, type SearchDocument, type SearchHit, type SearchOptions } from './message-search-index';
export { DEFAULT_SNIPPET_CHARS, matchRanges, snippetOf, type TextRange, type TextSnippet } from './snippet';
