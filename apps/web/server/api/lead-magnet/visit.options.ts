/** CORS preflight of the landing page's visit beacon. */
export default defineEventHandler((event) => answerLeadMagnetPreflight(event));
