export { createMailbox, type Mailbox } from './mailbox.js';
export { type ReceivedMail, type SmtpReceiver, type SmtpReceiverOptions, startSmtpReceiver } from './smtp-receiver.js';
