export * from './envelope.ts';
export * from './events.ts';
export * from './notification-events.ts';
export * from './execution-events.ts';
export * from './standing-events.ts';
export * from './delegation-events.ts';
export * from './step-up-events.ts';
export * from './policy-events.ts';
export * from './commands.ts';
export * from './topics.ts';
export * from './validation.ts';
export * from './json-limits.ts';
export * from './strict-json.ts';
export * from './resource-path.ts';
export * from './hash-chain.ts';
export * from './upcasting.ts';
export { EVENT_DATA_SCHEMAS, eventEnvelopeSchema, actionProposedSchema } from './schemas/event-schemas.ts';
export { COMMAND_DATA_SCHEMAS, commandEnvelopeSchema } from './schemas/command-schemas.ts';
export { MAX_STANDING_TTL_SECONDS, MAX_STANDING_USES } from './schemas/standing-schemas.ts';
export { callbackUrlProblem } from './callback-url.ts';
export * from './glob-pattern.ts';
export {
  commandRefusedSchema, integrityMismatchDetectedSchema, INTEGRITY_MISMATCH_KINDS, type CommandRefused, type IntegrityMismatchDetected, type IntegrityMismatchKind,
} from './security-records.ts';
export {
  addressProblem, forbiddenRange, hostAllowed, isLocalhostName, ipLiteral, normalHost, parseOutboundAllow, portOf, readOutboundAllow,
  NO_OUTBOUND_ALLOW, OUTBOUND_ALLOW_VARIABLE, type OutboundAllow, type OutboundAllowEntry,
} from './outbound-address.ts';
export { actionIdProblem, idempotentActionId } from './action-ids.ts';
export {
  parseSignedProposal, signProposal, verifyProposalSignature, proposalHeaderSchema, signedProposalSchema, GATEWAY_PRINCIPAL, PROPOSAL_JWS_TYPE,
  type ProposalHeader, type ProposeActionCommand, type SignedProposal, type SignedProposalRecord,
} from './signed-proposal.ts';
export {
  EMPTY_TREE_ROOT, headLeafHash, headsRoot, inclusionProof, merkleLeafHash, merkleRoot, sortHeads, verifyInclusion, type StreamHead,
} from './proof/merkle.ts';
export {
  checkpointHash, checkpointHeaderSchema, checkpointPayloadSchema, readCheckpoint, signCheckpoint, CHECKPOINT_JWS_TYPE,
  type CheckpointFailure, type CheckpointKey, type CheckpointKeys, type CheckpointPayload, type CheckpointRead,
} from './proof/checkpoint.ts';
export { checkpointSignedSchema, committedHeads, CHECKPOINT_SIGNED, CHECKPOINT_STREAM_ID, MAX_CHANGED_HEADS, type CheckpointSignedData } from './proof/checkpoint-event.ts';
export { checkpointJwk, importCheckpointJwks, type CheckpointJwk } from './proof/checkpoint-jwks.ts';
export { AccumulatedRoot } from './proof/verify-evidence-roots.ts';
export { checkpointRequest, checkpointRequestSchema, validateCheckpointRequest, REQUEST_CHECKPOINT, type CheckpointRequest } from './proof/checkpoint-request.ts';
export { headTree, type HeadTree } from './proof/head-tree.ts';
export { checkpointSignedEventSchema, validateCheckpointEvent, type CheckpointSignedEvent } from './proof/checkpoint-validation.ts';
export { type Finding, type FindingCode, type LogVerdict } from './proof/verify-log.ts';
export { EvidenceVerifier, verifyEvidence, type VerifyEvidenceInput } from './proof/verify-evidence.ts';
export { actionProof, verifyActionProof, type ActionProof, type ActionProofCheck } from './proof/action-proof.ts';
