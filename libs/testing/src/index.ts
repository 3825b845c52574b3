export { eventually, readTopic, testKafka, type TopicMessage } from './kafka';
export { startReceiver, type ReceivedRequest, type Receiver, type ReceiverReply } from './receiver';
