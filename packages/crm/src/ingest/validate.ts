import { PharowItem, type RejectedItem } from '@prospectflow/contracts';
import { normaliseFast } from './fast-normalise.js';

export interface ValidItem {
  index: number;
  item: PharowItem;
}

/** Validates each item on its own: valid ones are kept, each invalid one is reported with its field path. */
export function validateItems(data: readonly unknown[]): { valid: ValidItem[]; rejected: RejectedItem[] } {
  const valid: ValidItem[] = [];
  const rejected: RejectedItem[] = [];
  data.forEach((raw, index) => {
    const fast = normaliseFast(raw);
    if (fast) {
      valid.push({ index, item: fast });
      return;
    }
    const parsed = PharowItem.safeParse(raw);
    if (parsed.success) {
      valid.push({ index, item: parsed.data });
      return;
    }
    for (const issue of parsed.error.issues) {
      rejected.push({ index, path: issue.path.join('.') || '(item)', reason: issue.message });
    }
  });
  return { valid, rejected };
}
