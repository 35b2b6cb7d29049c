import { useState } from 'react';
import { signOut as endSession } from '../api/session.ts';
import type { Me } from '../api/types.ts';
import { Link } from '../router.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const NAV = [
  { to: '/console', label: 'Inbox', page: 'inbox' },
  { to: '/console/audit', label: 'Audit', page: 'audit' },
  { to: '/console/policies', label: 'Policies', page: 'policies' },
  { to: '/console/settings', label: 'Settings', page: 'settings' },
];

/** Who I am, where I can go, and signing out (POST /auth/logout with the CSRF token). */
export function Header({ me, page }: { me: Me; page: string }) {
  const [error, setError] = useState<unknown>();
  const signOut = async () => {
    try {
      await endSession(me);
    } catch (e) {
      setError(e);
    }
  };
  const who = me.principal.name ? `${me.principal.name} (${me.principal.id})` : me.principal.id;
  return (
    <header className="header">
      <a className="skip-link" href="#main">Skip to content</a>
      <div className="brand">Countersign</div>
      <nav aria-label="Console">
        <ul className="nav">
          {NAV.map((n) => (
            <li key={n.to}><Link to={n.to} ariaCurrent={n.page === page}>{n.label}</Link></li>
          ))}
        </ul>
      </nav>
      <div className="who">
        <span data-testid="signed-in-as">Signed in as <strong>{who}</strong></span>
        {me.via === 'session' ? <button type="button" onClick={signOut}>Sign out</button> : null}
      </div>
      <ProblemAlert error={error} label="Sign-out failed" />
    </header>
  );
}
