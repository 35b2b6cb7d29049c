import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type ActionEvent } from '@countersign/contracts';
import { OnLogMessage } from '@countersign/messaging';
import { NotifierService } from './notifier.service.ts';

export const NOTIFIER_GROUP = 'notifier';

/** Every event of every action, in order per action: the notifier decides what each one calls for. */
@Controller()
export class NotifierController {
  constructor(@Inject(NotifierService) private readonly notifier: NotifierService) {}

  @OnLogMessage({ group: NOTIFIER_GROUP, topic: TOPICS.events, type: '*' })
  event(@Payload() event: ActionEvent): Promise<void> {
    return this.notifier.handle(event);
  }
}
