/** Where a browse path that matches no node breaks, in words (browse-path-break.ts). */
import { describe, expect, it } from 'vitest';
import { describePathBreak, pathElements, pathParts } from '../../../src/sources/opcua/browse-path-break.js';

describe('pathParts', () => {
  it('gives the parts of a path short of the whole, shortest first', () => {
    expect(pathParts(pathElements('/Objects/2:Plant/2:Pump9/2:pressure'))).toEqual([
      '/Objects',
      '/Objects/2:Plant',
      '/Objects/2:Plant/2:Pump9',
    ]);
    expect(pathParts(pathElements('/Objects'))).toEqual([]);
  });
});

describe('describePathBreak', () => {
  it('names the element missing and offers the nearest child, a namespace index off by one as a typo', () => {
    expect(describePathBreak('/Objects/2:Plant', '2:Pump9', ['2:Pump1', '2:Press1'])).toBe(
      '/Objects/2:Plant has no 2:Pump9: did you mean 2:Pump1?',
    );
    expect(describePathBreak('/Objects', '3:Plant', ['Server', '2:Plant'])).toBe(
      '/Objects has no 3:Plant: did you mean 2:Plant?',
    );
    expect(describePathBreak('/', 'Objcts', ['Objects', 'Types', 'Views'])).toBe(
      '/ has no Objcts: did you mean Objects?',
    );
  });

  it('offers none where no child is near', () => {
    expect(describePathBreak('/Objects', '2:Boiler', ['Server', '2:Plant'])).toBe('/Objects has no 2:Boiler');
  });
});
