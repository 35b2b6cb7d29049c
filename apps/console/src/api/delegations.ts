import { useEffect, useState } from 'react';
import { get } from './http.ts';
import { ApiError } from './problem.ts';
import type { Delegation } from './types.ts';

/** My live delegations (as delegator or delegate); none when the server has no such endpoint (404). */
export function useDelegations(): Delegation[] {
  const [delegations, setDelegations] = useState<Delegation[]>([]);
  useEffect(() => {
    get<{ items: Delegation[] } | Delegation[]>('/v1/delegations?status=live&limit=100')
      .then((answer) => setDelegations(Array.isArray(answer) ? answer : answer.items ?? []))
      .catch((e) => { if (!(e instanceof ApiError)) throw e; });
  }, []);
  return delegations;
}
