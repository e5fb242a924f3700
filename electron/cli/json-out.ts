/**
 * A `--json` document written in pieces of about `chunk` characters instead of one string: `check --json` over 200
 * projects is ~1.9 MB of JSON, and building it whole (then again with its newline, then as the bytes written) held
 * several copies at the command's peak of resident memory. The text is exactly `JSON.stringify(doc)`: a document whose
 * only key is a list is written element by element; any other shape in one piece.
 */
export function* jsonPieces(doc: unknown, chunk = 64 * 1024): Generator<string> {
  const keys = doc !== null && typeof doc === 'object' && !Array.isArray(doc) && !('toJSON' in doc) ? Object.keys(doc) : [];
  const list: unknown = keys.length === 1 ? (doc as Record<string, unknown>)[keys[0]!] : undefined;
  if (!Array.isArray(list)) {
    yield String(JSON.stringify(doc)); // as the single write did: `undefined` for undefined
    return;
  }
  let buffer = `{${JSON.stringify(keys[0])}:[`;
  for (let i = 0; i < list.length; i++) {
    // Inside an array JSON.stringify writes null for what it cannot represent (undefined, a function).
    buffer += (i > 0 ? ',' : '') + ((JSON.stringify(list[i]) as string | undefined) ?? 'null');
    if (buffer.length >= chunk) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}]}`;
}
