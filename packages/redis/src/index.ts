export { createRedis, pingRedis, type Redis } from './client.js';
export { FailOpenRateLimiter, parseRateRule, type RateDecision, type RateRule } from './rate-limit.js';
