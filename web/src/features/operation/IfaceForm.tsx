import { useState, type FormEvent } from 'react';

export interface IfaceField {
  key: string;
  placeholder: string;
  testId: string;
  initial?: string;
  /** Optional fields may stay empty. */
  optional?: boolean;
}

interface Props {
  fields: IfaceField[];
  submitTestId: string;
  submitLabel: string;
  /** Resolves true when done (the form closes). */
  onSubmit: (values: Record<string, string>) => Promise<boolean>;
  onCancel: () => void;
}

/** A small inline form of the interface diagram (add, rename, set a default). */
export function IfaceForm({ fields, submitTestId, submitLabel, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.key, f.initial ?? ''])));
  const [pending, setPending] = useState(false);
  const ready = fields.every((f) => f.optional || values[f.key].trim() !== '');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready || pending) return;
    setPending(true);
    try {
      if (await onSubmit(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()])))) onCancel();
    } finally {
      setPending(false);
    }
  };
  return (
    <form className="iface-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      {fields.map((f, i) => (
        <input
          key={f.key}
          data-testid={f.testId}
          placeholder={f.placeholder}
          aria-label={f.placeholder}
          autoFocus={i === 0}
          disabled={pending}
          value={values[f.key]}
          onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
        />
      ))}
      <button type="submit" className="small" data-testid={submitTestId} disabled={!ready || pending}>
        {submitLabel}
      </button>
      <button type="button" className="secondary small" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
