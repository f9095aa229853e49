/** The unsubscribe link of every email: unsubscribes, then shows the French confirmation page. */
export default defineEventHandler(async (event) => {
  noStoreNoReferrer(event);
  const outcome = await unsubscribeWithLink(event);
  return sendRedirect(event, outcome === 'ok' ? '/lead-magnet/desinscription' : '/lead-magnet/invalide', 302);
});
