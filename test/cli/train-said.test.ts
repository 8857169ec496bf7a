/** What train keeps of its fit's log for the --report page: every line, on stderr as before, but the epochs. */
import { describe, expect, it } from 'vitest';
import { keptLog } from '../../src/cli/train-said.js';
import { epochReporter } from '../../src/training/fit-epochs.js';

describe('keptLog', () => {
  it("writes every line to stderr and keeps all but epochReporter's progress lines, in order", () => {
    const written: string[] = [];
    const said = keptLog((t) => written.push(t));
    said.log('m: dense autoencoder, 1200 windows');
    // The real progress lines of an autoencoder fit and its fine-tune, written where there is no progress bar.
    epochReporter('epoch', 50, { log: said.log })(3, 0.0123, 0.014);
    epochReporter('fine-tune', 8, { log: said.log })(12, 1.5, 2.25);
    said.log('most channels (4 of 4) were found slow: their level moves more across the training rows');
    expect(written).toEqual([
      'm: dense autoencoder, 1200 windows\n',
      'epoch   3/50  train 0.0123  validation 0.0140\n',
      'fine-tune  12/8  train 1.5000  validation 2.2500\n',
      'most channels (4 of 4) were found slow: their level moves more across the training rows\n',
    ]);
    expect(said.kept).toEqual([
      'm: dense autoencoder, 1200 windows',
      'most channels (4 of 4) were found slow: their level moves more across the training rows',
    ]);
  });
});
