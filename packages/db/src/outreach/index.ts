// Outreach repositories (campaign model, enrollment, tasks, messages, tracking).
export {};
