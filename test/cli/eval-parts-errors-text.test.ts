/** eval's text line of a part model's false rejects and escapes per file: every id up to 20 a kind, then a count. */
import { describe, expect, it } from 'vitest';
import { partErrorsText } from '../../src/cli/eval-parts-output.js';

describe('the parts behind the false rejects and escapes, as text', () => {
  it('names each kind by its parts, and says nothing of a file with neither', () => {
    expect(partErrorsText({ falseRejects: ['112', '113'], escapes: ['45'] })).toBe(
      'false rejects (good parts failed): 112, 113; escapes (bad parts passed): 45',
    );
    expect(partErrorsText({ falseRejects: [], escapes: ['45', '46'] })).toBe('escapes (bad parts passed): 45, 46');
    expect(partErrorsText({ falseRejects: [], escapes: [] })).toBe('');
  });

  it('shows the first 20 ids of a kind and counts the rest, all of which --json lists', () => {
    const ids = Array.from({ length: 33 }, (_, i) => String(100 + i));
    expect(partErrorsText({ falseRejects: ids, escapes: [] })).toBe(
      `false rejects (good parts failed): ${ids.slice(0, 20).join(', ')} and 13 more (all in --json)`,
    );
  });
});
