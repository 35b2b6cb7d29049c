import { readOutboundAllow } from '@countersign/contracts';

/**
 * Nest token: the operator's outbound allowlist (COUNTERSIGN_OUTBOUND_ALLOW), read once at start
 * (the shell checks it before anything starts). Callback URLs naming a private or loopback address
 * are refused at proposal time unless it names them.
 */
export const OUTBOUND_ALLOW = Symbol('OUTBOUND_ALLOW');

export const outboundAllowProvider = { provide: OUTBOUND_ALLOW, useFactory: () => readOutboundAllow(process.env) };
