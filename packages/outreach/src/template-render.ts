/** What templates and prompts can refer to: `{{person.firstName}}`, `{{company.name}}`… */
export interface TemplateContext {
  person: { firstName: string | null; lastName: string | null; salutation: string | null; fullName: string | null };
  company: {
    name: string | null;
    brandName: string | null;
    city: string | null;
    url: string | null;
    activity: string | null;
  };
  position: { jobTitle: string | null; email: string | null };
  campaign: { name: string | null };
  sender: { name: string | null; email: string | null };
}

export interface RenderedContent {
  subject: string;
  text: string;
  html: string;
}

// {{ path }} or {{ path | "fallback" }}; the fallback may use \" and \\ escapes.
const PLACEHOLDER = /\{\{\s*([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*)\s*(?:\|\s*"((?:[^"\\]|\\.)*)"\s*)?\}\}/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function lookup(context: unknown, path: string): string | null {
  let value: unknown = context;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/**
 * Replaces placeholders with context values; a missing or blank value takes the fallback, else
 * renders empty. `escape` is applied to inserted values only, never to the template's own text.
 */
export function renderTemplate(
  template: string,
  context: TemplateContext,
  escape: (value: string) => string = (v) => v,
): string {
  return template.replace(PLACEHOLDER, (_match, path: string, fallback: string | undefined) => {
    const value = lookup(context, path) ?? fallback?.replace(/\\(.)/g, '$1') ?? '';
    return escape(value);
  });
}

/** Placeholder paths a template uses (for previews and validation). */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Turns a plain-text body into simple HTML paragraphs (text already escaped). */
export function textToHtml(escapedText: string): string {
  return escapedText
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${paragraph.replace(/\r?\n/g, '<br>\n')}</p>`)
    .join('\n');
}

/**
 * Renders a subject and a plain-text body template: the text part as is, the HTML part with
 * every inserted value HTML-escaped (the template text is escaped too: bodies are plain text).
 */
export function renderEmailContent(
  templates: { subject: string; body: string },
  context: TemplateContext,
): RenderedContent {
  const subject = renderTemplate(templates.subject, context)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
  const text = renderTemplate(templates.body, context);
  const html = textToHtml(escapeHtml(text));
  return { subject, text, html };
}
