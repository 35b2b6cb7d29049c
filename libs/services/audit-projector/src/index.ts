export * from './audit-projector.module.ts';
export { AuditProjectorService } from './audit-projector.service.ts';
export { Projector, PROJECTOR_GROUP, type ProjectorDeps } from './projector.ts';
