/** Injection tokens shared by every service module. Values are plain objects built by the app. */
export const DIRECTORY = Symbol('DIRECTORY');
export const POLICY_SET = Symbol('POLICY_SET');
export const CLOCK = Symbol('CLOCK');
export const ID_SOURCE = Symbol('ID_SOURCE');
export const READINESS = Symbol('READINESS');
export const RUNTIME_OPTIONS = Symbol('RUNTIME_OPTIONS');

export interface Clock {
  now(): Date;
}

export interface IdSource {
  /** A new UUIDv7. */
  next(): string;
}
