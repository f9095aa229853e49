export { loadEnv, loadConfigOrExit, ConfigError, formatIssues } from './load-env.js';
export { BaseEnv, ServicesEnv } from './common.js';
