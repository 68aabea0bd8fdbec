import { useEffect, useState } from 'react';
import type { SearchResult } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { SEARCH_DEBOUNCE_MS, SEARCH_LIMIT } from '../lib/search';

export interface MessageSearchState {
  /** The query the results are for (the typed one, once the typing paused). */
  query: string;
  results: SearchResult[];
  /** The results are for what is typed now (false while the debounce runs). */
  settled: boolean;
}

/**
 * Search as you type: the SDK's in-memory search (messages this device decrypted) runs once typing pauses, and
 * again when messages change while the query stands (one arrives, is edited or deleted, or is decrypted late).
 */
export function useMessageSearch(typed: string): MessageSearchState {
  const client = useClient();
  const [query, setQuery] = useState(typed);
  const [results, setResults] = useState<SearchResult[]>([]);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  useEffect(() => {
    if (!query.trim()) {
      setResults([]);
      return;
    }
    const run = () => setResults(client.search(query, { limit: SEARCH_LIMIT }));
    run();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const again = () => {
      clearTimeout(timer);
      timer = setTimeout(run, SEARCH_DEBOUNCE_MS);
    };
    const offMessage = client.on('message', again);
    const offRemoved = client.on('message-removed', again);
    return () => {
      clearTimeout(timer);
      offMessage();
      offRemoved();
    };
  }, [client, query]);

  return { query, results, settled: query === typed };
}
