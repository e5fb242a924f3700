import { runGit } from './core.js';

export interface LocalTagOptions {
  signal?: AbortSignal | undefined;
}

/** Every local tag with the commit it points at (annotated tags peeled), in one git process. */
export async function listLocalTags(repo: string, opts: LocalTagOptions = {}): Promise<Array<{ tag: string; sha: string }>> {
  const { stdout } = await runGit(['for-each-ref', '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)', 'refs/tags'], {
    cwd: repo,
    signal: opts.signal,
    maxOutputBytes: 64 * 1024 * 1024,
  });
  const out: Array<{ tag: string; sha: string }> = [];
  for (const line of stdout.split('\n')) {
    const [tag, object, peeled] = line.split('\0');
    if (!tag || !object) continue;
    out.push({ tag, sha: peeled || object });
  }
  return out;
}
