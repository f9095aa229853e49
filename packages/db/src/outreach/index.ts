// Outreach repositories (campaign model, enrollment, tasks, messages, tracking).
export * from './mailboxes.js';
export * from './campaigns.js';
export * from './steps.js';
export * from './prompts.js';
export * from './experiments.js';
export * from './enrollments.js';
export * from './drafts.js';
export * from './tasks.js';
export * from './scheduler.js';
export * from './messages.js';
export * from './sending.js';
export * from './assignments.js';
export * from './tracking.js';
export * from './suppressions.js';
