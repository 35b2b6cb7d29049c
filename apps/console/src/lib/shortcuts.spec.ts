import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { move, shortcutFor, type KeyPress } from './shortcuts.ts';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress =>
  ({ key, ctrlKey: false, metaKey: false, altKey: false, targetTag: 'BODY', targetEditable: false, dialogOpen: false, ...over });

describe('shortcuts', () => {
  it('given the page focused, when a shortcut key is pressed, then its command is chosen', () => {
    assert.equal(shortcutFor(press('j')), 'next');
    assert.equal(shortcutFor(press('k')), 'previous');
    assert.equal(shortcutFor(press('a')), 'approve');
    assert.equal(shortcutFor(press('d')), 'deny');
    assert.equal(shortcutFor(press('o')), 'open');
    assert.equal(shortcutFor(press('?')), 'help');
    assert.equal(shortcutFor(press('x')), undefined);
    assert.equal(shortcutFor(press('A')), undefined);
  });

  it('given typing in a field, a dialog open or a modifier held, when a key is pressed, then nothing fires', () => {
    for (const tag of ['INPUT', 'textarea', 'SELECT']) assert.equal(shortcutFor(press('a', { targetTag: tag })), undefined);
    assert.equal(shortcutFor(press('a', { targetEditable: true })), undefined);
    assert.equal(shortcutFor(press('d', { dialogOpen: true })), undefined);
    assert.equal(shortcutFor(press('a', { ctrlKey: true })), undefined);
    assert.equal(shortcutFor(press('a', { metaKey: true })), undefined);
  });

  it('property: moving stays within the list', () => {
    fc.assert(fc.property(fc.nat(50), fc.nat(50), fc.constantFrom(1 as const, -1 as const), (index, length, by) => {
      const next = move(Math.min(index, Math.max(0, length - 1)), length, by);
      assert.ok(next >= 0 && (length === 0 ? next === 0 : next < length));
    }));
  });
});
