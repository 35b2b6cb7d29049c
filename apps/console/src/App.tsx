import { useEffect, useState } from 'react';
import { loadMe } from './api/session.ts';
import type { Me } from './api/types.ts';
import { Header } from './components/Header.tsx';
import { LiveRegionProvider } from './components/LiveRegion.tsx';
import { ProblemAlert } from './components/ProblemAlert.tsx';
import { routeOf } from './lib/routes.ts';
import { useLocation } from './router.tsx';
import { Pages } from './Pages.tsx';

/**
 * The sign-in gate: nothing is shown until GET /v1/me answers. A 401 sends the browser to
 * /auth/login (api/http.ts) and comes back here afterwards.
 */
export function App() {
  const [me, setMe] = useState<Me>();
  const [error, setError] = useState<unknown>();
  const { path } = useLocation();
  useEffect(() => {
    loadMe().then(setMe, setError);
  }, []);
  const route = routeOf(path);
  if (!me) {
    return (
      <main id="main" className="gate">
        <h1>Countersign</h1>
        {error ? <ProblemAlert error={error} label="Could not sign in" /> : <p role="status">Checking your session…</p>}
      </main>
    );
  }
  return (
    <LiveRegionProvider>
      <Header me={me} page={route.page} />
      <main id="main" tabIndex={-1}>
        <Pages route={route} me={me} />
      </main>
    </LiveRegionProvider>
  );
}
