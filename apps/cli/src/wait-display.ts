// What `countersign request` shows while it waits, on stderr: on a terminal one line redrawn
// every second (a countdown, no spinner); elsewhere (a CI log) a plain line when something
// changes and every `plainEveryMs`, so a log shows progress without noise.
import type { ActionView } from './action-view.ts';
import { progressText } from './action-output.ts';

export interface Stderr {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface WaitDisplay {
  update(action: ActionView): void;
  /** Prints a line of its own (above the countdown on a terminal). */
  note(line: string): void;
  /** Clears the countdown line (terminal) so what follows starts on a clean line. */
  stop(): void;
}

export interface WaitDisplayOptions {
  /** When `--wait` runs out (epoch ms), if it was given. */
  waitUntil?: number;
  plainEveryMs?: number;
  now?: () => Date;
}

const CLEAR = '\r\x1b[2K';

export function startWaitDisplay(stream: Stderr, first: ActionView, options: WaitDisplayOptions = {}): WaitDisplay {
  const now = options.now ?? (() => new Date());
  let current = first;
  const line = () => `countersign: ${progressText(current, now(), options.waitUntil)}`;
  const changed = (a: ActionView) => a.status !== current.status || a.approval?.approvals !== current.approval?.approvals;
  if (stream.isTTY) {
    const draw = () => stream.write(`${CLEAR}${line()}`);
    draw();
    const timer = setInterval(draw, 1000);
    timer.unref();
    return {
      update(action) {
        current = action;
        draw();
      },
      note(text) {
        stream.write(`${CLEAR}${text}\n`);
        draw();
      },
      stop() {
        clearInterval(timer);
        stream.write(CLEAR);
      },
    };
  }
  const print = () => stream.write(`${line()}\n`);
  const timer = setInterval(print, options.plainEveryMs ?? 30_000);
  timer.unref();
  return {
    update(action) {
      // A decision is told by the line that follows the wait, not as progress.
      const worth = changed(action) && (action.status === 'proposed' || action.status === 'pending');
      current = action;
      if (worth) print();
    },
    note(text) {
      stream.write(`${text}\n`);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
