import { escapeHtml } from './template-render.js';

/**
 * Adds the unsubscribe link to both parts and, only when open tracking is on, the 1×1 pixel at
 * the end of the HTML. With tracking off there is no image of ours in the email at all.
 */
export function addTrackingAndUnsubscribe(
  content: { text: string; html: string },
  links: { unsubscribeUrl: string; pixelUrl: string | null },
): { text: string; html: string } {
  const url = escapeHtml(links.unsubscribeUrl);
  const text = `${content.text.trimEnd()}\n\n--\nSe désinscrire / Unsubscribe: ${links.unsubscribeUrl}\n`;
  const pixel =
    links.pixelUrl === null
      ? ''
      : `\n<img src="${escapeHtml(links.pixelUrl)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`;
  const html =
    `<!doctype html>\n<html><body>\n${content.html}\n` +
    `<p style="font-size:12px;color:#777"><a href="${url}">Se désinscrire / Unsubscribe</a></p>${pixel}\n</body></html>\n`;
  return { text, html };
}
