export * from './audit-projector.module.ts';
export { AuditProjectorController, PROJECTOR_CONSUMER } from './audit-projector.controller.ts';
export { Projector, PROJECTOR_GROUP, type ProjectorDeps } from './projector.ts';
