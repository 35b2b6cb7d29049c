import type { Me } from '../api/types.ts';
import { Delegations } from './Delegations.tsx';
import { Passkeys } from './Passkeys.tsx';

/** My passkeys and delegations, and who the console knows me as. */
export function SettingsPage({ me }: { me: Me }) {
  const p = me.principal;
  return (
    <>
      <h1>Settings</h1>
      <dl className="meta">
        <dt>Principal</dt><dd>{p.id}{p.name ? ` (${p.name})` : ''}, {p.kind}</dd>
        <dt>Groups</dt><dd>{p.groups.length ? p.groups.join(', ') : 'none'}</dd>
        <dt>Roles</dt><dd>{p.roles.length ? p.roles.join(', ') : 'none'}</dd>
      </dl>
      <Passkeys />
      <Delegations me={p.id} />
    </>
  );
}
