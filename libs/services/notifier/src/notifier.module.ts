import { Module } from '@nestjs/common';
import { NOTIFICATION_CHANNELS } from './channel.port.ts';
import { configuredChannels } from './channels.ts';
import { NotifierController } from './notifier.controller.ts';
import { NotifierService, NOTIFIER_CONFIG } from './notifier.service.ts';
import { readNotifierConfig, type NotifierConfig } from './webhook/webhook-config.ts';

/** The notifier: tells people what awaits them and what was decided. */
@Module({
  controllers: [NotifierController],
  providers: [
    // Checked before start-up by the shell (one line per bad variable), so this does not throw there.
    { provide: NOTIFIER_CONFIG, useFactory: () => readNotifierConfig(process.env) },
    { provide: NOTIFICATION_CHANNELS, useFactory: (config: NotifierConfig) => configuredChannels(config), inject: [NOTIFIER_CONFIG] },
    NotifierService,
  ],
})
export class NotifierModule {}
