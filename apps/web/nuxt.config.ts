export default defineNuxtConfig({
  compatibilityDate: '2025-07-15',
  devtools: { enabled: false },
  telemetry: false,
  app: { head: { title: 'ProspectFlow', htmlAttrs: { lang: 'fr' } } },
  // cssnano 8 (Nuxt's default production CSS step) needs Node >= 22 (Set#difference); we support
  // Node 20.19, and Vite already minifies CSS, so the PostCSS pass is dropped.
  postcss: { plugins: { cssnano: false } },
});
