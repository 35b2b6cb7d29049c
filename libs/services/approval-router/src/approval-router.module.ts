import { Module } from '@nestjs/common';
import { ApprovalRouterService } from './approval-router.service.ts';

/** The approval router: the only writer of action streams and their decisions. */
@Module({ providers: [ApprovalRouterService] })
export class ApprovalRouterModule {}
