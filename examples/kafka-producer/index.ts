/** The example's code, for the end-to-end test that runs it (test/kafka/signed-proposals.e2e.spec.ts). */
export { proposeAndWait, topics, type Decided } from './producer.ts';
export { actionIdFor, proposeAction, signProposal, IDEMPOTENCY_NAMESPACE, type ProposalInput, type ProposeAction } from './proposal.ts';
