// Test support of the notifier, for int and e2e tests: the channel contract suite, and a local
// webhook receiver that checks signatures. Not part of the service's runtime entry point.
export { channelContract, sampleMessage, SAMPLE_PARAMS_HASH, type ChannelHarness, type Observed } from '../channel.contract.ts';
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhook-receiver.ts';
