import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError } from './api/client';
import { formatTime } from './logic/format';
import { problemMessages, type FieldErrors } from './logic/forms';

/** Loads once per change of `deps`; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && (setData(value), setError(null)),
      (err: unknown) => current && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** A form's submission: field errors from the browser's checks or the API's problem, and a general message. */
export function useSubmit(fields: readonly string[]) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (local: FieldErrors, send: () => Promise<void>) => {
    setErrors(local);
    setGeneral(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await send();
    } catch (err) {
      if (err instanceof ApiError) {
        const placed = problemMessages(err.problem, fields);
        setErrors(placed.fields);
        setGeneral(placed.general);
      } else setGeneral(String(err));
    } finally {
      setBusy(false);
    }
  };
  return { errors, general, busy, submit };
}

/** A form's values, and a change handler per field for text inputs, selects and text areas. */
export function useFormValues<T extends object>(initial: T) {
  const [values, setValues] = useState(initial);
  const set = (name: keyof T) => (event: { target: { value: string } }) => setValues({ ...values, [name]: event.target.value });
  return { values, setValues, set };
}

/** Submit and, where the form can be closed, Cancel. */
export function FormActions({ submitLabel, busy, onCancel }: { submitLabel: string; busy: boolean; onCancel?: () => void }) {
  return (
    <div className="actions">
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
      {onCancel && (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}

interface FieldProps {
  label: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled control with its hint and, right below it, what is wrong with it. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), ...(described ? { 'aria-describedby': described } : {}) })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function Notice({ kind = 'error', children }: { kind?: 'error' | 'ok' | 'info'; children: ReactNode }) {
  return (
    <div className={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function Time({ iso }: { iso: string | null | undefined }) {
  return iso ? <time dateTime={iso}>{formatTime(iso)}</time> : <span>—</span>;
}

export function Badge({ tone, children }: { tone: 'ok' | 'bad' | 'warn' | 'muted' | 'info'; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

/** A secret shown once: copy it now, it is never shown again. */
export function SecretOnce({ label, value, note, onDone }: { label: string; value: string; note?: ReactNode; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="secret" aria-label={label}>
      <h3>{label}</h3>
      <p>Copy it now: it is shown only this once.</p>
      <code data-testid="secret">{value}</code>
      {note && <p>{note}</p>}
      <div className="actions">
        <button type="button" onClick={() => navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}

/** A destructive action asked twice, inline (no browser dialog). */
export function ConfirmButton({ label, confirmLabel, onConfirm, busy }: { label: string; confirmLabel: string; onConfirm: () => void; busy?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={label}>
      <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
        {confirmLabel}
      </button>
      <button type="button" className="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

export function Pills({ items, empty }: { items: readonly string[]; empty: string }) {
  if (!items.length) return <span className="muted">{empty}</span>;
  return (
    <ul className="pills">
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}
