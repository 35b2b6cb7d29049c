/** The local webhook receiver of the notifier's tests, for the end-to-end suites. */
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '@countersign/service-notifier/testing';
