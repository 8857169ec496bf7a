/**
 * The window dialog's register list check is the runtime's own parser: the script the window node serves to the editor
 * (GET linewatch/register-list.js), run alone as a browser runs it, takes and refuses every list as the runtime does,
 * with the same message naming the line.
 */
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRegisterFields, registerListScript } from '../../src/node-red/register-list.js';
import { helper, nodes } from './helper.js';

afterEach(() => helper.unload());

/** The served script run in a context of its own (no module, no Node): the editor's `linewatchRegisterFields`. */
function editorRule(script: string): (text: string) => unknown {
  const page: { linewatchRegisterFields?: (text: string) => unknown } = {};
  runInNewContext(script, { window: page });
  return page.linewatchRegisterFields!;
}

/** A list's fields, or the message it is refused with. */
function outcome(parse: (text: string) => unknown, text: string): unknown {
  try {
    return JSON.parse(JSON.stringify(parse(text)));
  } catch (err) {
    return { refused: (err as Error).message };
  }
}

const LISTS = [
  'vibration_1 0 uint16 ABCD 0.0001\nmotor_current 2 float32 ABCD\nflow 10 uint32 CDAB 0.001',
  '# a comment\nrun 4 bit.3\n\nspeed 5 int16 0.1 DCBA',
  'flow 0 uint16\npressure 1 uint17',
  'flow uint16',
  'flow',
  'flow 0 float32 ABDC',
  'flow 0 float32 CDAB fast',
  'run 4 bit.16',
  'flow 0 uint16\nflow 1 uint16',
  '# nothing but a comment',
  '',
];

describe('the register list rule the editor runs', () => {
  it('takes and refuses each list as the runtime does, with its message', () => {
    const editor = editorRule(registerListScript());
    const runtime = LISTS.map((l) => outcome(parseRegisterFields, l));
    expect(LISTS.map((l) => outcome(editor, l))).toEqual(runtime);
    // The lists a user gets wrong are refused, each naming its line and what is wrong.
    expect(runtime.slice(2, 9)).toEqual([
      {
        refused:
          'register list line 2 ("pressure 1 uint17"): type "uint17" is not one of int16, uint16, int32, uint32, int64, uint64, float32, float64, bit (bit.N for bit N)',
      },
      { refused: 'register list line 1 ("flow uint16"): offset "uint16" must be a register index from 0' },
      { refused: 'register list line 1 ("flow"): offset "" must be a register index from 0' },
      {
        refused:
          'register list line 1 ("flow 0 float32 ABDC"): "ABDC" is neither a byte order (ABCD, CDAB, BADC, DCBA) nor a scale',
      },
      {
        refused:
          'register list line 1 ("flow 0 float32 CDAB fast"): "fast" is neither a byte order (ABCD, CDAB, BADC, DCBA) nor a scale',
      },
      { refused: 'register list line 1 ("run 4 bit.16"): bit "16" must be 0..15' },
      { refused: 'register list line 2 ("flow 1 uint16"): channel flow is listed twice' },
    ]);
  });

  it('is served by the window node to the editor as a script', async () => {
    await helper.load([nodes.window], [{ id: 'w', type: 'linewatch-window', asset: 'p', channels: 'a', length: '1' }]);
    const res = await (helper as unknown as { request(): any }).request().get('/linewatch/register-list.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/javascript/);
    expect(outcome(editorRule(res.text), 'flow 0 uint17')).toEqual(outcome(parseRegisterFields, 'flow 0 uint17'));
  });
});
