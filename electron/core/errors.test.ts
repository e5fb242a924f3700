import { describe, expect, it } from 'vitest';
import { sayOnce, toApiError, usageError } from './errors.js';

describe('sayOnce', () => {
  it('drops a sentence a composed message repeats, keeping the first and everything else as it was', () => {
    const inner = 'git rev-parse failed: the directory is not a git repository. Nothing was changed. Check the project path.';
    const composed = `/src/x is not the root of a git checkout: ${inner} (A directory that is not a checkout needs kind: artifact.) Nothing was changed.`;
    expect(sayOnce(composed)).toBe('/src/x is not the root of a git checkout: git rev-parse failed: the directory is not a git repository. Nothing was changed. Check the project path. (A directory that is not a checkout needs kind: artifact.)');
  });

  it('leaves messages without repeats alone, line breaks and short sentences included', () => {
    const text = 'Upgrade failed.\nTo finish by hand:\n  git checkout main\nDone. Done.';
    expect(sayOnce(text)).toBe(text);
    expect(sayOnce('Nothing was changed.')).toBe('Nothing was changed.');
  });

  it('applies to every error that crosses a boundary', () => {
    const e = usageError('X', 'No such thing. Nothing was changed. Try again. Nothing was changed.');
    expect(toApiError(e)).toEqual({ code: 'X', message: 'No such thing. Nothing was changed. Try again.', retryable: false });
  });
});
