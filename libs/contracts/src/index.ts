export * from './envelope.ts';
export * from './events.ts';
export * from './commands.ts';
export * from './topics.ts';
export * from './validation.ts';
export * from './hash-chain.ts';
export * from './upcasting.ts';
export { EVENT_DATA_SCHEMAS, eventEnvelopeSchema, actionProposedSchema } from './schemas/event-schemas.ts';
export { COMMAND_DATA_SCHEMAS, commandEnvelopeSchema } from './schemas/command-schemas.ts';
