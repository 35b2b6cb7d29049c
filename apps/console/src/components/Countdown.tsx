import { useEffect, useState } from 'react';
import { remaining, tickEvery } from '../lib/countdown.ts';

/** The time left until a deadline, redrawn as it runs down (not announced: it would be noise). */
export function Countdown({ deadline }: { deadline: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setTimeout(() => setNow(Date.now()), tickEvery(deadline, now));
    return () => window.clearTimeout(timer);
  }, [deadline, now]);
  const left = remaining(deadline, now);
  return (
    <time dateTime={deadline} title={deadline} className={left.urgent ? 'badge danger' : undefined}>
      {left.text}
    </time>
  );
}
