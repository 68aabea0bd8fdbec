/**
 * Node side only: the v1 code of an earlier git revision, for a before/after row measured in the same run
 * (BENCH_BASELINE=<rev>, default the commit before the speed work; "none" leaves the row out). The revision's
 * web/client/src/crypto is exported with `git archive` into a temporary directory, never into the work tree.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** 0baa0fc: protocol v1 as first committed, before the lookahead and the other speed changes. */
export const DEFAULT_BASELINE = '0baa0fc';

/** The revision to compare with, or undefined for none. */
export function baselineRevision(): string | undefined {
  const rev = process.env.BENCH_BASELINE ?? DEFAULT_BASELINE;
  if (rev === '' || rev === 'none') return undefined;
  if (!/^[\w./^~-]+$/.test(rev)) throw new Error(`BENCH_BASELINE is not a revision name: ${rev}`);
  return rev;
}

/** Path of the revision's crypto/v1/index.ts in a fresh temporary directory (undefined if git cannot export it). */
export function extractBaseline(root: string, rev: string): string | undefined {
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', rev, 'web/client/src/crypto'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const dir = mkdtempSync(join(tmpdir(), 'cipherlink-baseline-'));
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    return join(dir, 'web', 'client', 'src', 'crypto', 'v1', 'index.ts');
  } catch (err) {
    console.warn(`no baseline row: cannot export ${rev} (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}
