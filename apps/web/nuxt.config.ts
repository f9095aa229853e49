// Workspace packages (@prospectflow/*) need no bundler config: pnpm links them to packages/*/src,
// which is outside node_modules, so Nitro's externals plugin inlines them, and rollup's
// node-resolve maps their `./x.js` specifiers to `./x.ts`. Their own dependencies (pg, pino…)
// stay external and are traced into .output/server/node_modules. See doc/WEB.md.
export default defineNuxtConfig({
  compatibilityDate: '2025-07-15',
  devtools: { enabled: false },
  telemetry: false,
  css: ['~/assets/css/main.css'],
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      link: [{ rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    },
  },
  // cssnano 8 (Nuxt's production PostCSS step) needs Node >= 22 (Set#difference) and we support
  // Node 20.19; Vite minifies CSS on its own, so the PostCSS pass is dropped.
  postcss: { plugins: { cssnano: false } },
  hooks: {
    // Our JSON error handler runs first for /api/** and the probes; other paths fall through to
    // Nuxt's HTML error page. Setting `nitro.errorHandler` directly would replace Nuxt's handler.
    'nitro:config'(nitroConfig) {
      nitroConfig.errorHandler = ['~~/server/error', ...[nitroConfig.errorHandler ?? []].flat()];
    },
  },
});
