import { Controller, type Type } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type ActionEvent } from '@countersign/contracts';
import { OnLogBatch, type ConsumerOptions, type LogMessage } from '@countersign/messaging';
import type { StreamTap } from '../streams/stream-tap.ts';
import type { WaitingRoom } from './waiting-room.ts';

export const ANSWERS_GROUP = 'gateway.answers';

/**
 * The consumer options of the follower of `room`: every gateway instance reads every partition of
 * the events topic (its own group), from the end (answers concern what is sent from now on; the
 * instance is ready once positioned there), and looks only at records whose key (the action id)
 * a request waits on, or that an event stream wants (`tap`, see streams/stream-tap.ts); the others
 * are not even validated.
 */
export const answersConsumer = (room: WaitingRoom, tap?: StreamTap): ConsumerOptions => ({
  group: ANSWERS_GROUP,
  topic: TOPICS.events,
  broadcast: true,
  start: 'end',
  maxBatch: 1000,
  // The tap is asked of every record (it notes how far the follower got), the room only if need be.
  accept: tap ? (record) => tap.accepts(record) || room.watching(record.key) : (record) => room.watching(record.key),
});

/**
 * The gateway's follower of the events topic, for one waiting room: a class per room, since the
 * record filter is part of the (static) consumer options.
 */
export function answersFollower(room: WaitingRoom, tap?: StreamTap): Type {
  const consumer = answersConsumer(room, tap);

  @Controller()
  class AnswersFollower {
    @OnLogBatch(consumer)
    follow(@Payload() messages: LogMessage<ActionEvent>[]): void {
      room.deliver(messages.map((m) => m.message));
      tap?.deliver(messages);
    }
  }
  return AnswersFollower;
}
