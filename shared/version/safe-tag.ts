/**
 * Tag names come from remotes nobody on this machine controls, and the chosen tag ends up as an argument
 * of `git checkout` and in log lines. A name is accepted only when it is harmless in both places.
 */

/** Longest tag name Upshift will handle; real release tags are far shorter. */
export const MAX_TAG_LENGTH = 200;

/**
 * True when `name` is a tag name Upshift may pass to git and print. Allowed: ASCII letters, digits and
 * `. _ - + / @`, at most {@link MAX_TAG_LENGTH} characters. Rejected, besides every other character
 * (whitespace, control characters, shell metacharacters such as `$ ; | & \` ' " * ? ( ) < >`, and all
 * non-ASCII, which git would allow but which can hide look-alike characters):
 * - a leading `-` (git would read the name as an option);
 * - everything `git check-ref-format` refuses: `..`, `@{`, a lone `@`, `//`, a leading or trailing `/`,
 *   a trailing `.`, a path component starting with `.` or ending with `.lock`.
 *
 * Deliberately stricter than git: a legal but odd name is dropped, never quoted and passed on.
 */
export function isSafeTagName(name: string): boolean {
  if (typeof name !== 'string') return false;
  const n = name.length;
  if (n === 0 || n > MAX_TAG_LENGTH) return false;
  if (name === '@') return false;
  let componentStart = 0;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c === 47 /* / */) {
      if (i === 0 || i === n - 1 || i === componentStart) return false; // leading, trailing or `//`
      if (endsWithLock(name, componentStart, i)) return false;
      componentStart = i + 1;
      continue;
    }
    if (c === 46 /* . */) {
      if (i === componentStart) return false; // component starts with `.` (also catches `/.` and a leading `.`)
      if (i + 1 < n && name.charCodeAt(i + 1) === 46) return false; // `..`
      continue;
    }
    if (c === 45 /* - */) {
      if (i === 0) return false;
      continue;
    }
    if (!isPlainChar(c)) return false;
  }
  if (name.charCodeAt(n - 1) === 46) return false; // trailing `.`
  return !endsWithLock(name, componentStart, n);
}

/** Letters, digits, `_`, `+`, `@` (the `.`, `-` and `/` cases are handled by the caller). */
function isPlainChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 95 || // _
    c === 43 || // +
    c === 64 // @  (`@{` is impossible: `{` is not allowed)
  );
}

function endsWithLock(name: string, start: number, end: number): boolean {
  return end - start >= 5 && name.startsWith('.lock', end - 5);
}

/**
 * True for a full hexadecimal commit id (40 characters for SHA-1, 64 for SHA-256 repositories). Release
 * selection drops refs without one, so what reaches `git checkout` is always a plain object id.
 */
export function isCommitSha(sha: string): boolean {
  if (typeof sha !== 'string' || (sha.length !== 40 && sha.length !== 64)) return false;
  for (let i = 0; i < sha.length; i++) {
    const c = sha.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}
