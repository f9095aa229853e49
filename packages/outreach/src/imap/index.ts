// IMAP polling of sender mailboxes: new INBOX messages published to `outreach.reply`.
export { ImapPollError, pollImapMailbox, type ImapPollDeps, type ImapPollResult } from './poll-mailbox.js';
