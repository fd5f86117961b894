import { useState, type FormEvent } from 'react';
import { api, ApiError, setCsrfToken } from '../lib/api.js';

export function Login({ notice, onLoggedIn }: { notice: string | null; onLoggedIn: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ csrfToken: string }>('POST', '/api/auth/login', { name, password });
      setCsrfToken(r.csrfToken);
      onLoggedIn();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form onSubmit={(e) => void submit(e)} aria-label="Log in">
        <h1>Winnow review</h1>
        {notice && <p className="notice" role="status">{notice}</p>}
        <label>User name<input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} autoFocus required /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
        <p className="hint">Pictures are shown blurred and greyscale. A clear view is only ever one picture, for a few seconds, on your explicit request, and it is recorded in the audit log.</p>
      </form>
    </div>
  );
}
