import { Module } from '@nestjs/common';
import { NotifierService } from './notifier.service.ts';

/** The notifier: tells people what awaits them and what was decided. */
@Module({ providers: [NotifierService] })
export class NotifierModule {}
