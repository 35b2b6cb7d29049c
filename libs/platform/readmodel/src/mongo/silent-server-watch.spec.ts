import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SilentServerWatch } from './silent-server-watch.ts';

/** A watch on a clock the test moves. */
function watched(options: { stuckAfterMs?: number; minCommands?: number; minGapMs?: number } = {}) {
  let t = 1_000_000;
  const watch = new SilentServerWatch({ stuckAfterMs: 15_000, minCommands: 3, minGapMs: 30_000, ...options, now: () => t });
  return { watch, advance: (ms: number) => void (t += ms) };
}

describe('when a MongoDB client is replaced because its server stopped answering', () => {
  it('given an idle client, then it is kept however long nothing is sent', () => {
    const { watch, advance } = watched();
    advance(10 * 60_000);
    assert.equal(watch.verdict(), undefined);
  });

  it('given three commands waiting unanswered for 15 s, then it is replaced; at 14.9 s, or with two, it is kept', () => {
    const { watch, advance } = watched();
    watch.sent(1);
    watch.sent(2);
    advance(14_900);
    assert.equal(watch.verdict(), undefined);
    advance(100);
    assert.equal(watch.verdict(), undefined, 'two waiting commands are not enough');
    watch.sent(3);
    advance(14_999);
    assert.equal(watch.verdict(), undefined, 'the third has waited 14,999 ms');
    advance(1);
    assert.match(watch.verdict() ?? '', /no answer for 30000 ms: 0 commands failed unanswered, 3 waiting/);
  });

  it('given calls that found no server (no command sent at all) and no answer for 15 s, then it is replaced; an answer in between keeps it', () => {
    const { watch, advance } = watched();
    for (let i = 0; i < 3; i += 1) {
      advance(5_000);
      watch.unreachable();
    }
    assert.match(watch.verdict() ?? '', /no answer for 15000 ms: 3 commands failed unanswered/);
    const kept = watched();
    kept.advance(14_000);
    kept.watch.unreachable();
    kept.watch.unreachable();
    kept.watch.sent(1);
    kept.watch.answered(1);
    kept.watch.unreachable();
    kept.advance(15_000);
    assert.equal(kept.watch.verdict(), undefined, 'one selection failure since the last answer');
  });

  it('given three commands failed unanswered (timeouts) and no answer for 15 s, then it is replaced', () => {
    const { watch, advance } = watched();
    for (const id of [1, 2, 3]) {
      watch.sent(id);
      advance(5_000);
      watch.failed(id);
    }
    assert.match(watch.verdict() ?? '', /3 commands failed unanswered/);
  });

  it('given the server answers anything meanwhile, then the failures before it no longer count', () => {
    const { watch, advance } = watched();
    for (const id of [1, 2, 3]) {
      watch.sent(id);
      watch.failed(id);
    }
    watch.sent(4);
    watch.answered(4);
    advance(14_000);
    assert.equal(watch.verdict(), undefined, 'an answer 14 s ago');
    advance(10_000);
    assert.equal(watch.verdict(), undefined, 'silent, but nothing failed or waits since');
  });

  it('given one slow command (a large bulk write) while nothing else is sent, then it is kept', () => {
    const { watch, advance } = watched();
    watch.sent(1);
    advance(120_000);
    assert.equal(watch.verdict(), undefined);
  });

  it('given a slow server that still answers some commands, then it is kept', () => {
    const { watch, advance } = watched();
    for (let id = 1; id <= 20; id += 1) {
      watch.sent(id);
      if (id % 5 === 0) watch.answered(id - 4);
      advance(4_000);
    }
    assert.equal(watch.verdict(), undefined);
  });

  it('given a replacement, then the old client\'s commands no longer count, and the next replacement waits 30 s and a new silence of 15 s', () => {
    const { watch, advance } = watched();
    for (const id of [1, 2, 3]) watch.sent(id);
    advance(15_000);
    assert.ok(watch.verdict());
    watch.replaced();
    // closing the old client fails what it had sent: nothing of it counts
    for (const id of [1, 2, 3]) watch.failed(id);
    assert.equal(watch.verdict(), undefined);
    for (const id of [4, 5, 6]) watch.sent(id);
    advance(15_000);
    assert.equal(watch.verdict(), undefined, 'only 15 s since the last replacement');
    advance(15_000);
    assert.match(watch.verdict() ?? '', /3 waiting/);
  });

  it('given the options, then they set the bounds', () => {
    const { watch, advance } = watched({ stuckAfterMs: 2_000, minCommands: 1 });
    watch.sent(1);
    advance(2_000);
    assert.ok(watch.verdict());
  });
});
