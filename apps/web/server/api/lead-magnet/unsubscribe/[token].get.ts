/**
 * The unsubscribe link of every email. A GET changes nothing: mail scanners and link previews
 * fetch links, and a bride must not be unsubscribed by her provider's antivirus. It leads to the
 * French page, which asks and then POSTs. The token travels in the fragment, which browsers never
 * send to a server, so no request log ever holds it.
 */
export default defineEventHandler((event) => {
  noStoreNoReferrer(event);
  const token = getRouterParam(event, 'token') ?? '';
  return sendRedirect(event, `/lead-magnet/desinscription#${encodeURIComponent(token)}`, 302);
});
