import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { v7 as uuidv7 } from 'uuid';
import { CHECKPOINT_KEYS, type CheckpointKeySet } from './checkpoint-keys.ts';
import { GRANT_KEYS, type GrantKeys } from './grant-keys.ts';
import { NO_PROPOSAL_KEYS, PROPOSAL_KEYS, type ProposalKeys } from './proposal-keys.ts';
import { createReadiness, type Readiness } from './readiness.ts';
import { CLOCK, DIRECTORY, ID_SOURCE, POLICY_SET, READINESS, type Clock, type IdSource } from './tokens.ts';

export interface RuntimeOptions {
  eventLog: EventLog;
  readModels: ReadModelStore;
  /** The principals directory (@countersign/identity Directory). */
  directory: unknown;
  /** The compiled policy set (@countersign/policy CompiledPolicySet). */
  policy: unknown;
  clock?: Clock;
  ids?: IdSource;
  readiness?: Readiness;
  /** The gateway's signing key and the keys evaluators accept for it (none: no proposal can be signed). */
  proposalKeys?: ProposalKeys;
  /** The keys the gateway signs grants with (none: a process without a gateway). */
  grantKeys?: GrantKeys;
  /** The keys checkpoints are signed with (the projector) and published under (the gateway's JWKS). */
  checkpointKeys?: CheckpointKeySet;
}

export const systemClock: Clock = { now: () => new Date() };
export const uuidV7Ids: IdSource = { next: () => uuidv7() };

/** Provides the adapters chosen by the app to every service module, by token. */
@Global()
@Module({})
export class RuntimeModule {
  static register(options: RuntimeOptions): DynamicModule {
    const providers = [
      { provide: EVENT_LOG, useValue: options.eventLog },
      { provide: READ_MODEL_STORE, useValue: options.readModels },
      { provide: DIRECTORY, useValue: options.directory },
      { provide: POLICY_SET, useValue: options.policy },
      { provide: CLOCK, useValue: options.clock ?? systemClock },
      { provide: ID_SOURCE, useValue: options.ids ?? uuidV7Ids },
      { provide: READINESS, useValue: options.readiness ?? createReadiness() },
      { provide: PROPOSAL_KEYS, useValue: options.proposalKeys ?? NO_PROPOSAL_KEYS },
      { provide: GRANT_KEYS, useValue: options.grantKeys ?? null },
      { provide: CHECKPOINT_KEYS, useValue: options.checkpointKeys ?? null },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}
