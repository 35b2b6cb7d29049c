export { Countersign, type CountersignOptions, type CallOptions, type ProposeOptions, type ExecutionInput, type ExecutionReport } from './client.js';
export type { GuardSpec, GuardContext, GuardOptions } from './guard.js';
export type { WaitOptions } from './wait.js';
export type { RetryOptions } from './http.js';
export { verifyGrant, GRANT_TYP, GRANT_ISSUER, type VerifyGrantOptions } from './grant.js';
export { paramsHash, canonicalJson, guardKey } from './hashing.js';
export {
  CountersignError,
  CountersignUnavailable,
  RequestRejected,
  ActionDenied,
  ActionExpired,
  ActionCancelled,
  assertApproved,
  WaitTimedOut,
  GrantInvalid,
  type GrantInvalidReason,
} from './errors.js';
export { isDecided } from './types.js';
export type {
  Action,
  ActionStatus,
  ActionPage,
  ApprovalView,
  Decision,
  DecisionOutcome,
  Execution,
  ExecutionResponse,
  GrantClaims,
  GrantResponse,
  JsonWebKeySet,
  ListQuery,
  PolicyOutcome,
  PolicyView,
  Problem,
  ProposeInput,
  StandingGrant,
  Vote,
} from './types.js';
export { SDK_VERSION } from './version.js';
