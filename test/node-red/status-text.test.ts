import { describe, expect, it } from 'vitest';
import { STATUS_CHARS, statusText } from '../../src/node-red/status-text.js';

describe('statusText: an error under a node on the canvas', () => {
  it('is the message itself where it fits', () => {
    expect(statusText('window pump-1: flow missing')).toBe('window pump-1: flow missing');
  });
  it("keeps a trailing 'did you mean' whole, cutting the start short (it was the part cut off)", () => {
    const message =
      'window pump-1 is not set up: model models/pump-hybird: no such folder; did you mean models/pump-hybrid?';
    const shown = statusText(message);
    expect(shown).toBe('window pump-1 is not set u… did you mean models/pump-hybrid?');
    expect(shown).toHaveLength(STATUS_CHARS);
  });
  it('cuts a long message without a hint at the limit, marking the cut', () => {
    const shown = statusText('x'.repeat(100));
    expect(shown).toBe(`${'x'.repeat(STATUS_CHARS - 1)}…`);
  });
  it('cuts a hint too long to keep beside any of the message as any message is cut', () => {
    const message = `bad; did you mean ${'y'.repeat(80)}?`;
    expect(statusText(message)).toBe(`${message.slice(0, STATUS_CHARS - 1)}…`);
  });
});
