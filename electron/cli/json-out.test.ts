import { describe, expect, it } from 'vitest';
import { jsonPieces } from './json-out.js';

const joined = (doc: object, chunk?: number) => [...jsonPieces(doc, chunk)].join('');

describe('jsonPieces', () => {
  it('writes exactly what JSON.stringify writes, in pieces of about the chunk size', () => {
    const projects = Array.from({ length: 50 }, (_, i) => ({ name: `p${i}`, note: 'é ✓ "quoted"\n', n: i, nested: { list: [1, null, 'x'] }, gone: undefined }));
    const doc = { projects };
    const pieces = [...jsonPieces(doc, 500)];
    expect(pieces.join('')).toBe(JSON.stringify(doc));
    expect(pieces.length).toBeGreaterThan(5);
    // Each piece but the last reaches the chunk size; none is much larger than one element past it.
    for (const p of pieces.slice(0, -1)) expect(p.length).toBeGreaterThanOrEqual(500);
  });

  it('matches JSON.stringify for empty lists, holes and values it cannot represent', () => {
    for (const doc of [{ projects: [] }, { projects: [undefined, () => 1, Symbol('s'), NaN, new Date(0)] }, { items: [[], {}] }]) {
      expect(joined(doc, 1)).toBe(JSON.stringify(doc));
    }
  });

  it('writes any other shape in one piece', () => {
    for (const doc of [{ a: 1, b: [1] }, { project: { name: 'x' } }, { error: { code: 'X', message: 'm' } }, { toJSON: () => ({ x: 1 }) }]) {
      expect([...jsonPieces(doc, 1)]).toEqual([JSON.stringify(doc)]);
    }
  });
});
