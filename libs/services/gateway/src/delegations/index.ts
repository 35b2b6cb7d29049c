import { DelegatedVotes } from './delegated-votes.ts';
import { DelegationsController } from './delegations.controller.ts';

/** Out-of-office delegation (ADR 0010): /v1/delegations, and whom a vote is cast for. */
export const DELEGATION_CONTROLLERS = [DelegationsController];
export const DELEGATION_PROVIDERS = [DelegatedVotes];
export { DelegatedVotes, type OnBehalfOf } from './delegated-votes.ts';
