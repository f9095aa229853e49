import type { ReplyClassification } from '@prospectflow/contracts';

/** How the dashboard names each class of inbound mail, and the badge tone it gets. */
export const CLASSIFICATIONS: { value: ReplyClassification; label: string; tone: string }[] = [
  { value: 'human_reply', label: 'Reply', tone: 'pf-badge--success' },
  { value: 'auto_reply', label: 'Auto-reply', tone: 'pf-badge--muted' },
  { value: 'unsubscribe_request', label: 'Unsubscribe', tone: 'pf-badge--danger' },
  { value: 'bounce_permanent', label: 'Hard bounce', tone: 'pf-badge--danger' },
  { value: 'bounce_temporary', label: 'Soft bounce', tone: '' },
];

/** The label and tone of a class (an unclassified message shows as "unclassified"). */
export function classificationOf(value: string | null) {
  return CLASSIFICATIONS.find((c) => c.value === value) ?? { value, label: 'Unclassified', tone: 'pf-badge--muted' };
}

/** A rate as "12.5 %", or a dash when there is nothing to divide by. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
}
