export { eventually, readTopic, testKafka, type TopicMessage } from './kafka';
export { startReceiver, type ReceivedRequest, type Receiver, type ReceiverReply } from './receiver';
export { selfSignedCertificate, startSmtpServer, type ReceivedMail, type SmtpReply, type TestSmtpServer, type TestSmtpServerOptions } from './smtp';
