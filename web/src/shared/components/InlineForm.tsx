import { useState, type FormEvent, type ReactNode } from 'react';

interface Props {
  /** Prefix of the data-testids: <prefix> is the form, inputs and buttons use the names below. */
  inputTestId: string;
  submitTestId: string;
  cancelTestId?: string;
  placeholder: string;
  submitLabel: string;
  initial?: string;
  autoFocus?: boolean;
  disabled?: boolean;
  /** Returns an error message to show, or null when the value is fine. */
  validate?: (value: string) => string | null;
  /** Resolves true when done (the form clears), false to keep the text for another try. */
  onSubmit: (value: string) => Promise<boolean> | boolean;
  onCancel?: () => void;
  /** More fields between the text field and the submit button. */
  children?: ReactNode;
}

/** One text field with a submit button; used instead of window.prompt so tests can drive it. */
export function InlineForm(props: Props) {
  const [value, setValue] = useState(props.initial ?? '');
  const [pending, setPending] = useState(false);
  const trimmed = value.trim();
  const problem = trimmed && props.validate ? props.validate(trimmed) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!trimmed || problem || pending) return;
    setPending(true);
    try {
      if (await props.onSubmit(trimmed)) setValue('');
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && props.onCancel?.()}>
      <input
        data-testid={props.inputTestId}
        value={value}
        placeholder={props.placeholder}
        aria-label={props.placeholder}
        autoFocus={props.autoFocus}
        disabled={props.disabled || pending}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => setValue(e.target.value)}
      />
      {props.children}
      <button type="submit" data-testid={props.submitTestId} disabled={props.disabled || pending || !trimmed || !!problem}>
        {props.submitLabel}
      </button>
      {props.onCancel && (
        <button type="button" className="secondary" data-testid={props.cancelTestId} onClick={props.onCancel}>
          Cancel
        </button>
      )}
      {problem && (
        <span className="form-error" data-testid={`${props.inputTestId}-error`} role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
