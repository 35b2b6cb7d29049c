import { Module } from '@nestjs/common';
import { AuditProjectorController } from './audit-projector.controller.ts';

/** The audit projector: the read models, derived from the log and disposable. */
@Module({ controllers: [AuditProjectorController] })
export class AuditProjectorModule {}
