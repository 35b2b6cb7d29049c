export * from './audit-projector.module.ts';
export { AuditProjectorService, PROJECTOR_GROUP } from './audit-projector.service.ts';
