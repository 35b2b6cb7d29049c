import { Module, type DynamicModule } from '@nestjs/common';
import { RuntimeModule, type RuntimeOptions } from '@countersign/runtime';
import { ApprovalRouterModule } from '@countersign/service-approval-router';
import { AuditProjectorModule } from '@countersign/service-audit-projector';
import { GatewayModule } from '@countersign/service-gateway';
import { NotifierModule } from '@countersign/service-notifier';
import { PolicyEvaluatorModule } from '@countersign/service-policy-evaluator';

/**
 * All five services in one process, on the adapters given. Order matters at start: the projector
 * and router replay the log before the gateway reports ready.
 */
@Module({})
export class EmbeddedModule {
  static register(runtime: RuntimeOptions): DynamicModule {
    return {
      module: EmbeddedModule,
      imports: [
        RuntimeModule.register(runtime),
        AuditProjectorModule,
        ApprovalRouterModule,
        PolicyEvaluatorModule,
        NotifierModule,
        GatewayModule,
      ],
    };
  }
}
