export * from './audit-projector.module.ts';
export { AuditProjectorController, CHECKPOINT_PROJECTOR_CONSUMER, PROJECTOR_CONSUMER } from './audit-projector.controller.ts';
export { CheckpointProjector, CHECKPOINT_PROJECTOR_GROUP, type CheckpointIntegrity, type StoredCheckpoint } from './checkpoint-projector.ts';
export { Projector, PROJECTOR_GROUP, type ProjectorDeps } from './projector.ts';
export { Checkpointer, CHECKPOINTER_SETTINGS, type CheckpointerSettings } from './checkpointer/checkpointer.ts';
export { changedHeads, checkpointEvents, lastOf, planCheckpoints, NO_CHECKPOINT, type LastCheckpoint, type PlannedCheckpoint } from './checkpointer/checkpoint-plan.ts';
