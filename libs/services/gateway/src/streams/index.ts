import type { Provider } from '@nestjs/common';
import { EventStreams, STREAM_TAP } from './event-streams.ts';
import type { StreamTap } from './stream-tap.ts';
import { StreamsController } from './streams.controller.ts';

export { StreamTap } from './stream-tap.ts';

/** Server-Sent Events: the controller, and the providers around the instance's tap on the follower. */
export const STREAM_CONTROLLERS = [StreamsController];
export const streamProviders = (tap: StreamTap): Provider[] => [{ provide: STREAM_TAP, useValue: tap }, EventStreams];
