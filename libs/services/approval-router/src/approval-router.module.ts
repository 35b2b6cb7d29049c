import { Module } from '@nestjs/common';
import { ApprovalRouter } from './approval-router.ts';
import { ApprovalRouterController } from './approval-router.controller.ts';

/** The approval router: the only writer of action streams and their decisions. */
@Module({ controllers: [ApprovalRouterController], providers: [ApprovalRouter] })
export class ApprovalRouterModule {}
