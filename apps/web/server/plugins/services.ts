import { ConfigError } from '@prospectflow/config';

function loadConfigOrExit(): WebConfig {
  try {
    return loadWebConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[web] ${error.message}`);
    process.exit(1);
  }
}

/** Builds config, logger, metrics, pg pool and Redis once per server process. */
export default defineNitroPlugin((nitroApp) => {
  const config = loadConfigOrExit();
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
