/** The console's pages, by path. Pure, so the mapping is tested without a browser. */
export type Route =
  | { page: 'inbox' }
  | { page: 'action'; id: string }
  | { page: 'audit' }
  | { page: 'policies' }
  | { page: 'settings' }
  | { page: 'not-found' };

export function routeOf(path: string): Route {
  const rest = path.replace(/^\/console/, '').replace(/\/+$/, '');
  if (rest === '') return { page: 'inbox' };
  if (rest === '/audit') return { page: 'audit' };
  if (rest === '/policies') return { page: 'policies' };
  if (rest === '/settings') return { page: 'settings' };
  const action = /^\/actions\/([^/]+)$/.exec(rest);
  if (action) {
    try {
      return { page: 'action', id: decodeURIComponent(action[1]) };
    } catch {
      return { page: 'not-found' };
    }
  }
  return { page: 'not-found' };
}

export const actionPath = (id: string) => `/console/actions/${encodeURIComponent(id)}`;
