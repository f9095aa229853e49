import { createHash } from 'node:crypto';

export interface WeightedVariant {
  id: string;
  key: string;
  weight: number;
}

/**
 * Picks the variant of an enrollment for a step: SHA-256 of `enrollmentId:stepId` mapped onto
 * the cumulative weights of the variants sorted by key. Pure, so the same inputs always give
 * the same variant, and weights are honoured over many enrollments.
 */
export function assignVariant<V extends WeightedVariant>(enrollmentId: string, stepId: string, variants: V[]): V {
  const usable = variants.filter((v) => v.weight > 0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (usable.length === 0) throw new RangeError('assignVariant needs at least one variant with a positive weight');
  const total = usable.reduce((sum, v) => sum + v.weight, 0);
  const digest = createHash('sha256').update(`${enrollmentId}:${stepId}`).digest();
  // 48 bits keep the modulo bias far below anything measurable for realistic weights.
  const point = digest.readUIntBE(0, 6) % total;
  let cumulative = 0;
  for (const variant of usable) {
    cumulative += variant.weight;
    if (point < cumulative) return variant;
  }
  return usable[usable.length - 1]!;
}
