export * from './notifier.module.ts';
export { NotifierService, NOTIFIER_GROUP, consoleMessage } from './notifier.service.ts';
