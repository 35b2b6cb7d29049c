import type { DynamicModule, Type } from '@nestjs/common';
import type { EnvConfig } from '@countersign/config';
import { ApprovalRouterModule } from '@countersign/service-approval-router';
import { AuditProjectorModule } from '@countersign/service-audit-projector';
import { GatewayModule } from '@countersign/service-gateway';
import { NotifierModule } from '@countersign/service-notifier';
import { PolicyEvaluatorModule } from '@countersign/service-policy-evaluator';

/**
 * In start-up order: the projector and router catch up with the log before the gateway serves.
 * Each service's module, given the configuration read at start (the gateway takes its limits).
 */
export const SERVICES = {
  'audit-projector': (config: EnvConfig) => AuditProjectorModule.register({
    intervalMs: config.checkpointIntervalMs,
    log: config.kafkaNamespace ?? 'countersign',
    eventPartitions: config.kafkaBrokers ? config.kafkaPartitions : 1,
  }),
  'approval-router': () => ApprovalRouterModule,
  'policy-evaluator': () => PolicyEvaluatorModule,
  notifier: () => NotifierModule,
  gateway: (config: EnvConfig) => GatewayModule.register(config.gateway),
} as const satisfies Record<string, (config: EnvConfig) => Type | DynamicModule>;

export type ServiceName = keyof typeof SERVICES;
export const ALL_SERVICES = Object.keys(SERVICES) as ServiceName[];
