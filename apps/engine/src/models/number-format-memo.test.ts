import { describe, expect, it } from 'vitest';
import { holdNumberFormatMemo } from './number-format-memo.js';

const cases: Array<[number, string | undefined, Intl.NumberFormatOptions | undefined]> = [
  [1234.5678, 'en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2, minimumIntegerDigits: 3 }],
  [0.5, 'en-US', { minimumIntegerDigits: 1, minimumFractionDigits: 4 }],
  [987654321, 'de-DE', undefined],
  [42, undefined, { style: 'percent' }],
  [-0, 'en-US', { signDisplay: 'always' }],
  [Number.NaN, 'fr-FR', undefined],
];

describe('holdNumberFormatMemo', () => {
  it('formats exactly as Number#toLocaleString does, and restores the original when released', () => {
    const original = Number.prototype.toLocaleString;
    const expected = cases.map(([n, locale, options]) => n.toLocaleString(locale, options));
    const release = holdNumberFormatMemo();
    expect(Number.prototype.toLocaleString).not.toBe(original);
    for (let round = 0; round < 2; round++) {
      expect(cases.map(([n, locale, options]) => n.toLocaleString(locale, options))).toEqual(expected);
    }
    release();
    expect(Number.prototype.toLocaleString).toBe(original);
  });

  it('throws as the original does for a bad locale, and is counted across holders', () => {
    const original = Number.prototype.toLocaleString;
    const first = holdNumberFormatMemo();
    const second = holdNumberFormatMemo();
    expect(() => (1).toLocaleString('not a locale!')).toThrow(RangeError);
    first();
    first(); // a second release of the same hold does nothing
    expect(Number.prototype.toLocaleString).not.toBe(original);
    second();
    expect(Number.prototype.toLocaleString).toBe(original);
  });
});
