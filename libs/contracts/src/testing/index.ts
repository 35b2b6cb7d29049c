/** Test helpers of the contracts: a log with signed checkpoints to verify and tamper with. Never imported by production code. */
export {
  checkpointEnvelope, EvidenceWriter, minute, payloadOf, rechain, renumber, replaceCheckpointData, resign, rotatingKeys, T0,
  type EvidenceLog, type FixtureKeys,
} from '../proof/evidence-fixture.ts';
