export { pollUntil } from './poll-until.js';
export { pharowItems } from './pharow-fixtures.js';
