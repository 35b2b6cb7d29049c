import { Controller, Get, Header, Inject } from '@nestjs/common';
import { CLOCK, GRANT_KEYS, grantJwks, type Clock, type GrantKeys } from '@countersign/runtime';

/**
 * The public keys grants verify under (RFC 7517), for executors that verify offline: the signing
 * key and retired keys while grants they signed may still be valid. Public, like any JWKS.
 */
@Controller('.well-known')
export class JwksController {
  constructor(
    @Inject(GRANT_KEYS) private readonly keys: GrantKeys,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  jwks() {
    return grantJwks(this.keys, this.clock.now());
  }
}
