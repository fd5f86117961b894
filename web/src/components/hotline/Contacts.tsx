/** The contact book: abuse contacts notices go to. Contacts found by RDAP wait for approval; analysts add and approve. */
import { useState, type FormEvent } from 'react';
import { hotline, type DeskPermissions } from '../../lib/hotline-api.js';
import { fmtDate } from '../common.js';
import { ErrorBanner, useAction, useResource } from './desk-common.js';

export function Contacts({ perms }: { perms: DeskPermissions }) {
  const { data: contacts, error, reload } = useResource(() => hotline.contacts(), []);
  const act = useAction();
  const setApproved = async (id: string, approved: boolean) => {
    if (await act.run(() => hotline.approveContact(id, approved))) await reload();
  };
  return (
    <section aria-labelledby="contacts-title">
      <h1 id="contacts-title">Contact book</h1>
      <ErrorBanner error={error ?? act.error} />
      {contacts && contacts.length === 0 && <p className="empty">No contacts yet: traces add the abuse contacts they find.</p>}
      {contacts && contacts.length > 0 && (
        <table className="table" data-testid="contacts">
          <thead><tr><th>Organisation</th><th>E-mail</th><th>Scope</th><th>AS</th><th>Country</th><th>Language</th><th>Source</th><th>Approved</th><th>Updated</th>{perms.work && <th>Action</th>}</tr></thead>
          <tbody>
            {contacts.map((c) => (
              <tr key={c.id} data-contact={c.email}>
                <td>{c.org}</td><td>{c.email}</td><td>{c.scope}</td><td>{c.asn !== null ? `AS${c.asn}` : '—'}</td><td>{c.country ?? '—'}</td><td>{c.language ?? '—'}</td>
                <td className="path">{c.source}</td><td>{c.approved ? 'yes' : 'no'}</td><td>{fmtDate(c.updated_at)}</td>
                {perms.work && (
                  <td>
                    {c.approved
                      ? <button type="button" className="secondary" onClick={() => void setApproved(c.id, false)} disabled={act.busy}>Revoke {c.email}</button>
                      : <button type="button" onClick={() => void setApproved(c.id, true)} disabled={act.busy}>Approve {c.email}</button>}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {perms.work && <AddContact onAdded={() => void reload()} />}
    </section>
  );
}

function AddContact({ onAdded }: { onAdded: () => void }) {
  const [f, setF] = useState({ org: '', email: '', scope: 'hosting', asn: '', country: '', language: '', approved: true });
  const act = useAction();
  const set = (k: keyof typeof f, v: string | boolean) => setF((x) => ({ ...x, [k]: v }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      org: f.org, email: f.email, scope: f.scope, approved: f.approved,
      ...(f.asn.trim() ? { asn: Number(f.asn) } : {}), ...(f.country.trim() ? { country: f.country.trim().toUpperCase() } : {}), ...(f.language.trim() ? { language: f.language.trim().toLowerCase() } : {}),
    };
    if (await act.run(() => hotline.addContact(body))) {
      setF({ org: '', email: '', scope: 'hosting', asn: '', country: '', language: '', approved: true });
      onAdded();
    }
  };
  return (
    <form className="box form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="add-contact-title">
      <h2 id="add-contact-title" className="span2">Add a contact</h2>
      <label htmlFor="ct-org">Organisation</label><input id="ct-org" value={f.org} onChange={(e) => set('org', e.target.value)} required />
      <label htmlFor="ct-email">E-mail</label><input id="ct-email" type="email" value={f.email} onChange={(e) => set('email', e.target.value)} required />
      <label htmlFor="ct-scope">Scope</label>
      <select id="ct-scope" value={f.scope} onChange={(e) => set('scope', e.target.value)}><option value="hosting">hosting</option><option value="registrar">registrar</option></select>
      <label htmlFor="ct-asn">AS number</label><input id="ct-asn" inputMode="numeric" pattern="[0-9]*" value={f.asn} onChange={(e) => set('asn', e.target.value)} />
      <label htmlFor="ct-country">Country (2 letters)</label><input id="ct-country" maxLength={2} value={f.country} onChange={(e) => set('country', e.target.value)} />
      <label htmlFor="ct-lang">Language (2 letters)</label><input id="ct-lang" maxLength={2} value={f.language} onChange={(e) => set('language', e.target.value)} />
      <span /><label className="check"><input type="checkbox" checked={f.approved} onChange={(e) => set('approved', e.target.checked)} /> Approved</label>
      <span /><div><button type="submit" disabled={act.busy}>Add contact</button></div>
      <div className="span2"><ErrorBanner error={act.error} /></div>
    </form>
  );
}
