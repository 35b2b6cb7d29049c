import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { del, get, post } from '../api/http.ts';
import type { Passkey } from '../api/types.ts';
import { useAnnounce } from '../components/LiveRegion.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';

/**
 * My passkeys, for step-up approvals: listed, registered (options from the server, the browser's
 * WebAuthn ceremony, the answer verified by the server) and removed.
 */
export function Passkeys() {
  const announce = useAnnounce();
  const [items, setItems] = useState<Passkey[]>();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => get<{ items: Passkey[] }>('/v1/passkeys').then((a) => setItems(a.items), setError), []);
  useEffect(() => { void load(); }, [load]);

  const register = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (!name.trim()) {
      setError(new Error('Give the passkey a name, e.g. "laptop".'));
      return;
    }
    setBusy(true);
    try {
      const options = await post<PublicKeyCredentialCreationOptionsJSON>('/v1/passkeys/registration-options');
      const response = await startRegistration({ optionsJSON: options });
      await post('/v1/passkeys', { name: name.trim(), response });
      announce(`Passkey ${name.trim()} registered.`);
      setName('');
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (p: Passkey) => {
    setError(undefined);
    try {
      await del(`/v1/passkeys/${encodeURIComponent(p.id)}`);
      announce(`Passkey ${p.name} removed.`);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p className="hint">Rules that ask for a step-up need a passkey to approve: each approval asks it again.</p>
      <ProblemAlert error={error} />
      {items === undefined ? <p role="status">Loading…</p> : items.length === 0 ? <p>You have no passkey.</p> : (
        <ul aria-label="Your passkeys">
          {items.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong> {p.registeredAt ? <span className="muted">registered <time dateTime={p.registeredAt}>{p.registeredAt}</time></span> : null}{' '}
              <button type="button" onClick={() => remove(p)}>Remove passkey {p.name}</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={register} aria-label="Register a passkey">
        <label htmlFor="passkey-name">Passkey name</label>
        <input id="passkey-name" type="text" maxLength={128} value={name} onChange={(e) => setName(e.target.value)} />
        <div className="actions-row"><button type="submit" className="primary" disabled={busy}>Register a passkey</button></div>
      </form>
    </section>
  );
}
