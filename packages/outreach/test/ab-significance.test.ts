import { describe, expect, it } from 'vitest';
import {
  compareVariants,
  newcombeDifference,
  normalCdf,
  sampleSizePerVariant,
  twoProportionZTest,
  wilsonInterval,
} from '../src/index.js';

const p = (successes: number, trials: number) => ({ successes, trials });
const rounded = (interval: [number, number]) => interval.map((x) => Math.round(x * 10_000) / 10_000);

describe('A/B statistics', () => {
  it('matches the Wilson intervals published by Newcombe (1998, Stat Med 17:857)', () => {
    expect(rounded(wilsonInterval(p(81, 263)))).toEqual([0.2553, 0.3662]);
    expect(rounded(wilsonInterval(p(15, 148)))).toEqual([0.0624, 0.1605]);
    expect(rounded(wilsonInterval(p(0, 20)))).toEqual([0, 0.1611]);
    expect(wilsonInterval(p(0, 0))).toEqual([0, 1]);
  });

  it("matches Newcombe's method 10 intervals of a difference (1998, Stat Med 17:873, table II)", () => {
    expect(rounded(newcombeDifference(p(48, 80), p(56, 70)))).toEqual([0.0524, 0.3339]);
    expect(rounded(newcombeDifference(p(3, 10), p(9, 10)))).toEqual([0.1705, 0.809]);
    expect(rounded(newcombeDifference(p(0, 29), p(5, 56)))).toEqual([-0.0381, 0.1926]);
    expect(rounded(newcombeDifference(p(0, 10), p(10, 10)))).toEqual([0.6075, 1]);
  });

  it('computes the pooled two-proportion z test (scipy: z 2.6502, p 0.00805)', () => {
    const { z, pValue } = twoProportionZTest(p(48, 80), p(56, 70));
    expect(z).toBeCloseTo(2.6502, 4);
    expect(pValue).toBeCloseTo(0.00805, 5);
    expect(twoProportionZTest(p(0, 10), p(0, 10))).toEqual({ z: 0, pValue: 1 });
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  it("gives Fleiss' sample size per variant for 80 % power (5 % vs 10 %: 435)", () => {
    expect(sampleSizePerVariant(0.05, 0.1)).toBe(435);
    expect(sampleSizePerVariant(0.1, 0.1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('says a clear winner in plain words, whichever side it is on', () => {
    const better = compareVariants({ baseline: 'A', challenger: 'B' }, p(20, 400), p(45, 410));
    expect(better).toMatchObject({
      verdict: 'likely_better',
      differencePoints: 6,
      ciLowPoints: 2.3,
      ciHighPoints: 9.8,
    });
    expect(better.summary).toBe('B leads A by 6.0 points (95 % CI 2.3 to 9.8): likely better');
    const worse = compareVariants({ baseline: 'A', challenger: 'B' }, p(45, 410), p(20, 400));
    expect(worse.verdict).toBe('likely_worse');
    expect(worse.summary).toBe('A leads B by 6.0 points (95 % CI 2.3 to 9.8): B likely worse');
  });

  it('asks for more sends while the sample is small or the interval spans zero', () => {
    const small = compareVariants({ baseline: 'A', challenger: 'B' }, p(2, 20), p(3, 20));
    expect(small.verdict).toBe('too_few');
    expect(small.neededPerVariant).toBe(686);
    expect(small.summary).toMatch(/^too few sends to tell: need about 686 per variant \(B vs A: \+5\.0 points/);
    // A large difference on a handful of sends is still not a verdict below 30 per variant.
    expect(compareVariants({ baseline: 'A', challenger: 'B' }, p(0, 10), p(10, 10)).verdict).toBe('too_few');
    const none = compareVariants({ baseline: 'A', challenger: 'B' }, p(0, 0), p(0, 0));
    expect(none.verdict).toBe('too_few');
    expect(none.neededPerVariant).toBeGreaterThan(30);
  });

  it('calls a well-powered tie "no clear difference"', () => {
    const tie = compareVariants({ baseline: 'A', challenger: 'B' }, p(500, 5000), p(505, 5000));
    expect(tie.verdict).toBe('no_clear_difference');
    expect(tie.summary).toMatch(/^no clear difference \(B vs A: \+0\.1 points, 95 % CI -1\.1 to 1\.3\)$/);
  });
});
