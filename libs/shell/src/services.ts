import type { Type } from '@nestjs/common';
import { ApprovalRouterModule } from '@countersign/service-approval-router';
import { AuditProjectorModule } from '@countersign/service-audit-projector';
import { GatewayModule } from '@countersign/service-gateway';
import { NotifierModule } from '@countersign/service-notifier';
import { PolicyEvaluatorModule } from '@countersign/service-policy-evaluator';

/** In start-up order: the projector and router catch up with the log before the gateway serves. */
export const SERVICES = {
  'audit-projector': AuditProjectorModule,
  'approval-router': ApprovalRouterModule,
  'policy-evaluator': PolicyEvaluatorModule,
  notifier: NotifierModule,
  gateway: GatewayModule,
} as const satisfies Record<string, Type>;

export type ServiceName = keyof typeof SERVICES;
export const ALL_SERVICES = Object.keys(SERVICES) as ServiceName[];
