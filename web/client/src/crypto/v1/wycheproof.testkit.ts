/**
 * Test-only: loads Project Wycheproof vectors for the v1 tests. The vectors are not copied into the repository;
 * they live in shared/testvectors/wycheproof beside it (/work/shared locally, the same layout in CI), or wherever
 * WYCHEPROOF_DIR points. Imported only by *.test.ts files.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** web/client/src/crypto/v1 -> six levels up is the folder that holds both the repository and shared/. */
export const WYCHEPROOF_DIR = process.env.WYCHEPROOF_DIR ?? resolve(import.meta.dirname, '../../../../../..', 'shared/testvectors/wycheproof');

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofCase {
  tcId: number;
  comment: string;
  flags: string[];
  result: WycheproofResult;
}

export interface WycheproofFile<G> {
  algorithm: string;
  numberOfTests: number;
  testGroups: G[];
}

/** Parse one vector file and check that its groups hold as many cases as it declares. */
export function loadWycheproof<G extends { tests: WycheproofCase[] }>(fileName: string): WycheproofFile<G> & { cases: number } {
  const file = JSON.parse(readFileSync(resolve(WYCHEPROOF_DIR, fileName), 'utf8')) as WycheproofFile<G>;
  const cases = file.testGroups.reduce((n, g) => n + g.tests.length, 0);
  if (cases !== file.numberOfTests) throw new Error(`${fileName}: ${cases} cases found, ${file.numberOfTests} declared`);
  return { ...file, cases };
}

export const hex = (h: string): Uint8Array<ArrayBuffer> => Uint8Array.from(Buffer.from(h, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Counts of cases actually run through our code, by expected result and by what we did with them. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  get(label: string): number {
    return this.counts.get(label) ?? 0;
  }

  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  /** One line: `file: 12 valid ok, 3 invalid rejected, ... (15 cases)`. */
  summary(fileName: string, note?: string): string {
    return `${fileName}: ${[...this.counts].map(([k, v]) => `${v} ${k}`).join(', ')} (${this.total()} cases${note ? `; ${note}` : ''})`;
  }
}
