export { pollUntil } from './poll-until.js';
