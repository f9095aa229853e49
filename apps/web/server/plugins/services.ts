import { loadConfigOrExit } from '@prospectflow/config';

/** Builds config, logger, metrics, pg pool and Redis once per server process. */
export default defineNitroPlugin((nitroApp) => {
  const config = loadConfigOrExit('web', () => loadWebConfig());
  applyListenPort(config);
  const services = createWebServices(config);
  nitroApp.hooks.hook('request', (event) => {
    event.context.services = services;
  });
  nitroApp.hooks.hook('close', async () => {
    await closeWebServices(services);
    services.logger.info('web services closed');
  });
});
