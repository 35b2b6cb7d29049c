import { Module, type DynamicModule } from '@nestjs/common';
import { AuditProjectorController } from './audit-projector.controller.ts';
import { CheckpointerController } from './checkpointer/checkpointer.controller.ts';
import { Checkpointer, CHECKPOINTER_SETTINGS, type CheckpointerSettings } from './checkpointer/checkpointer.ts';

/**
 * The audit projector: the read models, derived from the log and disposable; and the checkpointer,
 * which signs the log's stream heads (ADR 0007).
 */
@Module({})
export class AuditProjectorModule {
  static register(checkpoints: CheckpointerSettings): DynamicModule {
    return {
      module: AuditProjectorModule,
      controllers: [AuditProjectorController, CheckpointerController],
      providers: [{ provide: CHECKPOINTER_SETTINGS, useValue: checkpoints }, Checkpointer],
    };
  }
}
