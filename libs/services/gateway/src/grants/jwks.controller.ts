import { Controller, Get, Header, Inject } from '@nestjs/common';
import { checkpointJwk } from '@countersign/contracts';
import { CHECKPOINT_KEYS, CLOCK, GRANT_KEYS, grantJwks, type CheckpointKeySet, type Clock, type GrantKeys } from '@countersign/runtime';

/**
 * The public keys grants and checkpoints verify under (RFC 7517), for executors and auditors that
 * verify offline. Grant keys: the signing key and retired keys while grants they signed may still
 * be valid. Checkpoint keys: every one, retired ones too, each with its validity window
 * (`notBefore`, `notAfter`), so old checkpoints stay verifiable (ADR 0007). Public, like any JWKS.
 */
@Controller('.well-known')
export class JwksController {
  constructor(
    @Inject(GRANT_KEYS) private readonly keys: GrantKeys,
    @Inject(CHECKPOINT_KEYS) private readonly checkpointKeys: CheckpointKeySet | null,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  jwks() {
    const checkpoints = (this.checkpointKeys?.keys ?? []).map((k) =>
      checkpointJwk({ kid: k.kid, x: k.x, notBefore: k.notBefore, ...(k.notAfter ? { notAfter: k.notAfter } : {}) }));
    return { keys: [...grantJwks(this.keys, this.clock.now()).keys, ...checkpoints] };
  }
}
