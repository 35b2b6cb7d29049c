import {
  passkeyLedgerId, type CommandEnvelope, type PasskeyRegisteredData, type PasskeyRemovedData, type ActionEvent,
} from '@countersign/contracts';
import { principalActor, type ApprovalEventDraft, type DecideContext } from './context.ts';

/**
 * A principal's passkeys (ADR 0009), kept in their ledger stream beside their standing approvals:
 * one router decides every registration and removal of one principal, in order. What the ledger
 * holds of each live passkey is what deciding needs (who owns it); the keys themselves are in the
 * events and the `passkeys` read model the gateway verifies assertions against.
 */
export interface PasskeyRecord {
  principal: string;
  name: string;
}

/** At most this many live passkeys per principal: the ledger's head stays small. */
export const MAX_PASSKEYS = 20;

type Register = CommandEnvelope<'RegisterPasskey', PasskeyRegisteredData>;
type Remove = CommandEnvelope<'RemovePasskey', PasskeyRemovedData>;

/**
 * A registration is recorded in its owner's ledger, sent by the owner (the gateway verified the
 * attestation for the signed-in principal), once per credential id while it is live. Refusals are
 * silent, as in every ledger (ADR 0004): the gateway answers the people who register.
 */
export function decideRegisterPasskey(command: Register, passkeys: Readonly<Record<string, PasskeyRecord>>, ctx: Pick<DecideContext, 'directory'>): ApprovalEventDraft[] {
  const d = command.data;
  if (command.actionId !== passkeyLedgerId(d.principal) || command.actor.id !== d.principal) return [];
  if (Object.hasOwn(passkeys, d.credentialId) || Object.keys(passkeys).length >= MAX_PASSKEYS) return [];
  return [{ type: 'PasskeyRegistered', data: d, actor: principalActor(d.principal, ctx.directory) }];
}

/** A live passkey is removed once, by its owner or an admin. */
export function decideRemovePasskey(command: Remove, passkeys: Readonly<Record<string, PasskeyRecord>>, ctx: Pick<DecideContext, 'directory'>): ApprovalEventDraft[] {
  const d = command.data;
  if (command.actionId !== passkeyLedgerId(d.principal) || command.actor.id !== d.removedBy) return [];
  const record = Object.hasOwn(passkeys, d.credentialId) ? passkeys[d.credentialId] : undefined;
  if (!record || record.principal !== d.principal) return [];
  const admin = Object.hasOwn(ctx.directory.principals, d.removedBy) && ctx.directory.principals[d.removedBy].admin === true;
  if (d.removedBy !== d.principal && !admin) return [];
  return [{ type: 'PasskeyRemoved', data: d, actor: principalActor(d.removedBy, ctx.directory) }];
}

/** Folds a passkey event: registered ones are live until removed. */
export function evolvePasskeys(passkeys: Readonly<Record<string, PasskeyRecord>>, event: ActionEvent): Record<string, PasskeyRecord> | undefined {
  switch (event.type) {
    case 'PasskeyRegistered': {
      if (Object.hasOwn(passkeys, event.data.credentialId)) return undefined;
      return { ...passkeys, [event.data.credentialId]: { principal: event.data.principal, name: event.data.name } };
    }
    case 'PasskeyRemoved': {
      if (!Object.hasOwn(passkeys, event.data.credentialId)) return undefined;
      const { [event.data.credentialId]: _removed, ...rest } = passkeys;
      return rest;
    }
    default:
      return undefined;
  }
}
