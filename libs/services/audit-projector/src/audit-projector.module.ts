import { Module } from '@nestjs/common';
import { AuditProjectorService } from './audit-projector.service.ts';

/** The audit projector: the read models, derived from the log and disposable. */
@Module({ providers: [AuditProjectorService] })
export class AuditProjectorModule {}
