import { describe, expect, it } from 'vitest';
import {
  assignVariant,
  isMachineOpen,
  isWithinSendingWindow,
  nextSendingInstant,
  parseDraftAnswer,
  startOfLocalDay,
  renderEmailContent,
  renderTemplate,
  type TemplateContext,
} from '../src/index.js';

const context: TemplateContext = {
  person: { firstName: 'Amélie', lastName: "D'Almeida", salutation: null, fullName: "Amélie D'Almeida" },
  company: { name: 'Dupont & <Fils>', brandName: null, city: '', url: null, activity: null },
  position: { jobTitle: 'Gérante', email: 'a@x.fr' },
  campaign: { name: 'Rentrée' },
  sender: { name: 'Claire', email: 'c@y.fr' },
};

describe('renderTemplate', () => {
  it('fills placeholders, applies fallbacks for missing or blank values, and renders unknown paths empty', () => {
    expect(renderTemplate('Bonjour {{ person.firstName }} de {{company.name}}', context)).toBe(
      'Bonjour Amélie de Dupont & <Fils>',
    );
    expect(renderTemplate('{{company.city | "votre ville"}}/{{person.salutation|"Madame"}}', context)).toBe(
      'votre ville/Madame',
    );
    expect(renderTemplate('[{{person.nope}}][{{constructor}}]', context)).toBe('[][]');
    expect(renderTemplate('{{x | "dit \\"oui\\""}}', context)).toBe('dit "oui"');
  });

  it('escapes inserted values in the HTML part only', () => {
    const out = renderEmailContent({ subject: 'Pour {{company.name}}\n', body: '{{company.name}}\n\nMerci' }, context);
    expect(out.subject).toBe('Pour Dupont & <Fils>');
    expect(out.text).toBe('Dupont & <Fils>\n\nMerci');
    expect(out.html).toBe('<p>Dupont &amp; &lt;Fils&gt;</p>\n<p>Merci</p>');
  });
});

describe('assignVariant', () => {
  const variants = [
    { id: 'b', key: 'B', weight: 1 },
    { id: 'a', key: 'A', weight: 3 },
  ];

  it('is stable for the same enrollment and step, whatever the order of the variants', () => {
    for (let n = 0; n < 50; n += 1) {
      const first = assignVariant(`enrollment-${n}`, 'step-1', variants);
      expect(assignVariant(`enrollment-${n}`, 'step-1', [...variants].reverse())).toBe(first);
    }
  });

  it('follows the weights over many enrollments', () => {
    let a = 0;
    for (let n = 0; n < 20_000; n += 1) if (assignVariant(`e-${n}`, 'step', variants).key === 'A') a += 1;
    expect(a / 20_000).toBeGreaterThan(0.73);
    expect(a / 20_000).toBeLessThan(0.77);
  });

  it('refuses an empty list', () => {
    expect(() => assignVariant('e', 's', [])).toThrow(RangeError);
  });
});

describe('sending window', () => {
  const window = { timezone: 'Europe/Paris', sendDays: [1, 2, 3, 4, 5], startHour: 9, endHour: 18 };

  it('answers inside the window in the campaign timezone', () => {
    expect(isWithinSendingWindow(new Date('2026-11-23T08:30:00Z'), window)).toBe(true); // Monday 09:30 Paris
    expect(isWithinSendingWindow(new Date('2026-11-23T07:30:00Z'), window)).toBe(false); // 08:30 Paris
    expect(nextSendingInstant(new Date('2026-11-23T08:30:00Z'), window).toISOString()).toBe('2026-11-23T08:30:00.000Z');
  });

  it('moves to the next allowed day start: same day, after hours, over the weekend, across DST', () => {
    expect(nextSendingInstant(new Date('2026-11-23T06:00:00Z'), window).toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(nextSendingInstant(new Date('2026-11-27T18:00:00Z'), window).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    // Saturday 28 March 2026, 12:00 Paris (UTC+1) → Monday 30 March 09:00 Paris, now UTC+2.
    expect(nextSendingInstant(new Date('2026-03-28T11:00:00Z'), window).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('answers each instant right when consecutive questions cross local hours, days, zones and DST', () => {
    const kathmandu = { ...window, timezone: 'Asia/Kathmandu' }; // UTC+05:45
    // Monday 17:59 then 18:00 Paris; Kathmandu's hours start at :15 UTC.
    expect(isWithinSendingWindow(new Date('2026-11-23T16:59:59Z'), window)).toBe(true);
    expect(isWithinSendingWindow(new Date('2026-11-23T17:00:00Z'), window)).toBe(false);
    expect(isWithinSendingWindow(new Date('2026-11-23T03:14:59Z'), kathmandu)).toBe(false); // 08:59
    expect(isWithinSendingWindow(new Date('2026-11-23T03:15:00Z'), kathmandu)).toBe(true); // 09:00
    expect(isWithinSendingWindow(new Date('2026-11-23T08:30:00Z'), window)).toBe(true);
    expect(startOfLocalDay(new Date('2026-11-23T22:59:59Z'), 'Europe/Paris').toISOString()).toBe(
      '2026-11-22T23:00:00.000Z',
    );
    expect(startOfLocalDay(new Date('2026-11-23T23:00:00Z'), 'Europe/Paris').toISOString()).toBe(
      '2026-11-23T23:00:00.000Z',
    );
    // Sunday 29 March 2026: 01:59 (UTC+1) then 03:00 (UTC+2), one minute apart.
    expect(startOfLocalDay(new Date('2026-03-29T00:59:00Z'), 'Europe/Paris').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfLocalDay(new Date('2026-03-29T01:00:00Z'), 'Europe/Paris').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfLocalDay(new Date('2026-03-30T07:00:00Z'), 'Europe/Paris').toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
  });
});

describe('machine opens and LLM answers', () => {
  const sentAt = new Date('2026-11-23T08:00:00Z');
  it('flags proxies, bare agents and opens right after sending', () => {
    const later = new Date(sentAt.getTime() + 3_600_000);
    expect(isMachineOpen({ userAgent: 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)', openedAt: later, sentAt })).toBe(
      true,
    );
    expect(isMachineOpen({ userAgent: 'YahooMailProxy; https://help.yahoo.com', openedAt: later, sentAt })).toBe(true);
    expect(isMachineOpen({ userAgent: 'Mozilla/5.0', openedAt: later, sentAt })).toBe(true);
    const human = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
    expect(isMachineOpen({ userAgent: human, openedAt: new Date(sentAt.getTime() + 2000), sentAt })).toBe(true);
    expect(isMachineOpen({ userAgent: human, openedAt: later, sentAt })).toBe(false);
  });

  it('reads JSON, fenced JSON and "Subject:" answers, and rejects anything else', () => {
    expect(parseDraftAnswer('```json\n{"subject":"S","body":"B"}\n```')).toEqual({ subject: 'S', body: 'B' });
    expect(parseDraftAnswer('Objet : Bonjour\nLe corps')).toEqual({ subject: 'Bonjour', body: 'Le corps' });
    expect(() => parseDraftAnswer('just text')).toThrow(/neither/);
  });
});
