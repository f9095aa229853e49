import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';

/** The delivery-status fields of a DSN (RFC 3464) that decide what a bounce means. */
export interface DeliveryStatus {
  action: string | null;
  status: string | null;
  finalRecipient: string | null;
  diagnosticCode: string | null;
}

/** An inbound message reduced to what matching and classification need. */
export interface InboundMail {
  /** The Message-ID, or `<sha256-of-the-bytes@inbound.invalid>` when the message has none. */
  messageId: string;
  inReplyTo: string | null;
  /** Message-IDs of References, oldest first. */
  references: string[];
  fromEmail: string | null;
  toEmail: string | null;
  subject: string;
  text: string;
  /** Sanitised HTML (no script, style, event handler, remote image or javascript: link). */
  html: string | null;
  date: Date | null;
  /** Header values by lower-case name (first occurrence, decoded to text). */
  headers: Map<string, string>;
  /** `multipart/report; report-type=delivery-status` */
  isDeliveryReport: boolean;
  deliveryStatus: DeliveryStatus | null;
  /** Message-IDs found in attached original messages or headers (bounces carry ours there). */
  attachedMessageIds: string[];
}

/** Thrown for bytes that are not a parsable message. */
export class InboundParseError extends Error {
  override name = 'InboundParseError';
}

const MESSAGE_ID = /<[^<>\s]+@[^<>\s]+>/g;

function idsOf(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return joined.match(MESSAGE_ID) ?? [];
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): string | null {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const address = list.flatMap((a) => a.value).find((a) => a.address)?.address;
  return address ? address.toLowerCase() : null;
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && 'value' in value) {
    const v = (value as { value: unknown; params?: Record<string, string> }).value;
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map((a: { address?: string }) => a.address ?? '').join(', ');
  }
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  return String(value ?? '');
}

/** The last Final-Recipient/Action/Status block of the message/delivery-status part. */
function deliveryStatusOf(text: string): DeliveryStatus | null {
  const field = (name: string) => {
    const matches = [...text.matchAll(new RegExp(`^${name}:[ \\t]*(.+(?:\\n[ \\t]+.+)*)`, 'gim'))];
    const last = matches.at(-1)?.[1];
    return last ? last.replace(/\s+/g, ' ').trim() : null;
  };
  const status = field('Status')?.match(/\b[245]\.\d{1,3}\.\d{1,3}\b/)?.[0] ?? null;
  const action = field('Action')?.toLowerCase() ?? null;
  if (!status && !action) return null;
  const recipient = field('Final-Recipient');
  return {
    action,
    status,
    finalRecipient: recipient ? recipient.replace(/^rfc822;\s*/i, '').toLowerCase() : null,
    diagnosticCode: field('Diagnostic-Code'),
  };
}

function attachedMessageIdsOf(mail: ParsedMail): string[] {
  return mail.attachments
    .filter((a) => a.contentType === 'message/rfc822' || a.contentType === 'text/rfc822-headers')
    .flatMap((a) => {
      const head = a.content.toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
      return [...head.matchAll(/^Message-ID:[ \t]*(<[^<>\s]+>)/gim)].map((m) => m[1]!);
    });
}

/** Keeps the readable structure of an HTML body and drops everything active or remote. */
export function sanitizeInboundHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'img'),
    allowedAttributes: { a: ['href', 'title'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    disallowedTagsMode: 'discard',
  });
}

/** Parses raw RFC 822 bytes with mailparser; throws InboundParseError for empty or headerless input. */
export async function parseInboundMail(raw: Buffer): Promise<InboundMail> {
  if (raw.length === 0) throw new InboundParseError('empty message');
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (error) {
    throw new InboundParseError(`unparseable message: ${(error as Error).message}`);
  }
  if (mail.headers.size === 0 || (!mail.from && !mail.messageId && !mail.subject)) {
    throw new InboundParseError('no RFC 822 header found');
  }
  const headers = new Map<string, string>();
  for (const [key, value] of mail.headers) headers.set(key, headerText(value));
  const contentType = mail.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const isDeliveryReport =
    contentType?.value === 'multipart/report' &&
    contentType.params?.['report-type']?.toLowerCase() === 'delivery-status';
  const text = mail.text ?? '';
  return {
    messageId: idsOf(mail.messageId)[0] ?? `<${createHash('sha256').update(raw).digest('hex')}@inbound.invalid>`,
    inReplyTo: idsOf(mail.inReplyTo)[0] ?? null,
    references: idsOf(mail.references),
    fromEmail: firstAddress(mail.from),
    toEmail: firstAddress(mail.to),
    subject: mail.subject ?? '',
    text,
    html: mail.html ? sanitizeInboundHtml(mail.html) : null,
    date: mail.date ?? null,
    headers,
    isDeliveryReport,
    deliveryStatus: isDeliveryReport ? deliveryStatusOf(text) : null,
    attachedMessageIds: attachedMessageIdsOf(mail),
  };
}
