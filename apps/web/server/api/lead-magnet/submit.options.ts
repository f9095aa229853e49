/** CORS preflight of the landing page's signup call. */
export default defineEventHandler((event) => answerLeadMagnetPreflight(event));
