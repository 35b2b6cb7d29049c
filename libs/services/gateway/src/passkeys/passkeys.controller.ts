import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { PasskeyView } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import { passkeyLedgerId, type ActionEvent } from '@countersign/contracts';
import { CLOCK, type Clock } from '@countersign/runtime';
import type { Response } from 'express';
import { WAITING_ROOM } from '../action-waiter.ts';
import { RoomFull, type WaitingRoom } from '../answers/waiting-room.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { CommandSender } from '../commands.ts';
import { GATEWAY_LIMITS } from '../limits.ts';
import { Problem } from '../problem.ts';
import { checker, emptyQuery } from '../request-schemas.ts';
import { Ceremonies } from './ceremonies.ts';
import { PasskeyStore, presentPasskey } from './passkey-store.ts';

const MAX_PASSKEYS = 20;
const parseNone = checker<Record<string, never>>(emptyQuery, 'query');
const parseEmpty = checker<Record<string, never>>({ type: 'object', additionalProperties: false, properties: {} }, 'body');
const parseRegister = checker<{ name: string; response: unknown }>({
  type: 'object', required: ['name', 'response'], additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 128, pattern: '\\S' }, response: { type: 'object' } },
}, 'body');

/**
 * A principal's own passkeys (ADR 0009): listed from the passkeys read model, registered and removed
 * by commands to the principal's ledger once the ceremony verified, answered when the router's event
 * comes back (201/200), or 202 when it does not in time. Nobody sees or removes another's passkeys.
 */
@Controller('v1/passkeys')
@UseGuards(ApiKeyGuard)
export class PasskeysController {
  constructor(
    @Inject(PasskeyStore) private readonly passkeys: PasskeyStore,
    @Inject(Ceremonies) private readonly ceremonies: Ceremonies,
    @Inject(CommandSender) private readonly commands: CommandSender,
    @Inject(WAITING_ROOM) private readonly room: WaitingRoom,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown) {
    parseNone(rawQuery);
    return { items: (await this.passkeys.live(caller.principal.id)).map(presentPasskey) };
  }

  @Post('registration-options')
  @HttpCode(200)
  async registrationOptions(@CurrentCaller() caller: Caller, @Body() raw: unknown) {
    parseEmpty(raw);
    const existing = await this.passkeys.live(caller.principal.id);
    if (existing.length >= MAX_PASSKEYS) throw tooMany();
    return this.ceremonies.registrationOptions(caller.principal, existing, this.clock.now());
  }

  @Post()
  @HttpCode(201)
  async register(@CurrentCaller() caller: Caller, @Body() raw: unknown, @Res({ passthrough: true }) res: Response) {
    const body = parseRegister(raw);
    const me = caller.principal.id;
    const data = await this.ceremonies.verifyRegistration(me, body.name.trim(), body.response, this.clock.now());
    const existing = await this.passkeys.live(me);
    if (existing.some((p) => p.credentialId === data.credentialId)) {
      throw new Problem(409, 'passkey-exists', 'This passkey is registered already.', `Passkey ${data.credentialId} is already one of yours.`, [{ pointer: '/response/id', detail: 'is registered already' }]);
    }
    if (existing.length >= MAX_PASSKEYS) throw tooMany();
    const event = await this.await(me, 'PasskeyRegistered', data.credentialId, () => this.commands.send('RegisterPasskey', passkeyLedgerId(me), caller.principal, data));
    res.location(`/v1/passkeys/${encodeURIComponent(data.credentialId)}`);
    if (!event) {
      res.status(202);
      return { id: data.credentialId, status: 'registering', detail: 'Queued; the passkey will be listed once recorded.' };
    }
    return { id: data.credentialId, name: data.name, transports: data.transports, registeredAt: event.occurredAt, ...(data.aaguid ? { aaguid: data.aaguid } : {}) };
  }

  @Delete(':id')
  @HttpCode(200)
  async remove(@CurrentCaller() caller: Caller, @Param('id') credentialId: string, @Query() rawQuery: unknown, @Res({ passthrough: true }) res: Response) {
    parseNone(rawQuery);
    const me = caller.principal.id;
    const view: PasskeyView | undefined = /^[A-Za-z0-9_-]{1,1024}$/.test(credentialId) ? await this.passkeys.get(me, credentialId) : undefined;
    if (!view || view.removedAt) throw new Problem(404, 'passkey-not-found', 'No such passkey.', `You have no passkey ${credentialId.slice(0, 200)}.`);
    const event = await this.await(me, 'PasskeyRemoved', credentialId, () => this.commands.send('RemovePasskey', passkeyLedgerId(me), caller.principal, { principal: me, credentialId, removedBy: me }));
    if (!event) {
      res.status(202);
      return { id: credentialId, status: 'removing', detail: 'Queued; the passkey will stop working once recorded.' };
    }
    return presentPasskey({ ...view, removedAt: event.occurredAt, removedBy: me });
  }

  /** Sends a command to the principal's ledger, watched before it is sent, and waits for its event. */
  private async await(principal: string, type: 'PasskeyRegistered' | 'PasskeyRemoved', credentialId: string, send: () => Promise<string>): Promise<ActionEvent | undefined> {
    let watch;
    try {
      watch = this.room.enter(passkeyLedgerId(principal));
    } catch (error) {
      if (!(error instanceof RoomFull)) throw error;
      throw new Problem(503, 'too-many-waiting', 'Too many requests are waiting for answers.', 'Nothing was sent. Retry shortly.', undefined, {}, { 'Retry-After': '1' });
    }
    try {
      const commandId = await send();
      const deadline = Date.now() + this.limits.answerWaitMs;
      for (;;) {
        const event = watch.events.find((e) => e.causationId === commandId && e.type === type && (e.data as { credentialId: string }).credentialId === credentialId);
        if (event) return event;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await watch.next(left);
      }
    } finally {
      watch.leave();
    }
  }
}

const tooMany = () => new Problem(409, 'too-many-passkeys', 'You have as many passkeys as allowed.', `Remove one of your ${MAX_PASSKEYS} passkeys first.`);
