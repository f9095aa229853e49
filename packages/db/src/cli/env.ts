import { BaseEnv, ConfigError, ServicesEnv, loadEnv } from '@prospectflow/config';

/** The database settings of a CLI run (environment first, then `.env`); exits on bad values. */
export function loadCliEnv() {
  try {
    return loadEnv(BaseEnv.extend(ServicesEnv.shape));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
