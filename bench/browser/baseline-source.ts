/**
 * Node side only: the v1 code of an earlier git revision, for a before/after row measured in the same run
 * (BENCH_BASELINE=<rev>, default the commit before the speed work; "none" leaves the row out). The revision's
 * web/client/src/crypto is exported with `git archive` into a temporary directory, never into the work tree.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

/**
 * Export the revision's web/client/src/crypto into a fresh temporary directory and hand `use` the path of its
 * v1/index.ts (to import or bundle); the directory is removed afterwards. Undefined if git cannot export it.
 */
export async function withBaseline<T>(root: string, rev: string, use: (entry: string) => Promise<T>): Promise<T | undefined> {
  let tar: Buffer;
  try {
    tar = execFileSync('git', ['archive', '--format=tar', rev, 'web/client/src/crypto'], { cwd: root, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    console.warn(`no baseline row: cannot export ${rev} (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cipherlink-baseline-'));
  try {
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    return await use(join(dir, 'web', 'client', 'src', 'crypto', 'v1', 'index.ts'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
