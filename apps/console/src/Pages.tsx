import type { Me } from './api/types.ts';
import type { Route } from './lib/routes.ts';
import { AuditPage } from './audit/AuditPage.tsx';
import { ActionDetailPage } from './detail/ActionDetailPage.tsx';
import { InboxPage } from './inbox/InboxPage.tsx';
import { PoliciesPage } from './policies/PoliciesPage.tsx';
import { Link } from './router.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';

/** The page for a route. */
export function Pages({ route, me }: { route: Route; me: Me }) {
  switch (route.page) {
    case 'inbox':
      return <InboxPage me={me} />;
    case 'action':
      return <ActionDetailPage key={route.id} id={route.id} me={me} />;
    case 'audit':
      return <AuditPage />;
    case 'policies':
      return <PoliciesPage />;
    case 'settings':
      return <SettingsPage me={me} />;
    case 'not-found':
      return (
        <>
          <h1>Page not found</h1>
          <p>There is no console page here. <Link to="/console">Go to the inbox</Link>.</p>
        </>
      );
  }
}
