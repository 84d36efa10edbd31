import { useEffect, useRef, useState } from 'react';
import type { IfaceAttribute } from '../../shared/api';
import type { Json } from '../../shared/patch';
import { coerceAttribute, defaultText, fieldText } from './attrs';

interface Props {
  attr: IfaceAttribute;
  value: Json | undefined;
  readOnly: boolean;
  /** Sends the value (undefined: clear it, the default applies). */
  onCommit: (value: Json | undefined) => Promise<boolean> | void;
}

export const ATTR_DEBOUNCE_MS = 500;

/** One typed attribute field; text fields send after a pause (or on blur) once the value is valid. */
export function AttrField({ attr, value, readOnly, onCommit }: Props) {
  const [text, setText] = useState(fieldText(attr, value));
  const [error, setError] = useState<string | null>(null);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<{ value: Json | undefined } | null>(null);
  const commit = useRef(onCommit);
  commit.current = onCommit;

  // follow edits made elsewhere unless the user is typing here
  useEffect(() => {
    if (!dirty.current) setText(fieldText(attr, value));
  }, [attr, value]);

  const flush = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const p = pending.current;
    pending.current = null;
    if (p) {
      const r = commit.current(p.value);
      const done = () => {
        dirty.current = false;
      };
      if (r instanceof Promise) void r.finally(done);
      else done();
    }
  };
  // an edit still waiting is sent when the field goes away (another node selected, say)
  useEffect(() => () => flush(), []);

  const change = (raw: string | boolean, immediate: boolean) => {
    if (typeof raw === 'string') setText(raw);
    dirty.current = true;
    const c = coerceAttribute(attr, raw);
    if (!c.ok) {
      setError(c.error);
      pending.current = null;
      if (timer.current) clearTimeout(timer.current);
      return;
    }
    setError(null);
    pending.current = { value: c.value };
    if (immediate) flush();
    else {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, ATTR_DEBOUNCE_MS);
    }
  };

  const id = `attr-${attr.name}`;
  const placeholder = defaultText(attr);
  const common = {
    id,
    'data-testid': 'attr-field',
    'data-attr': attr.name,
    disabled: readOnly,
    'aria-invalid': error ? true : undefined,
  } as const;
  let field;
  switch (attr.type) {
    case 'bool': {
      const checked = typeof value === 'boolean' ? value : attr.default === true;
      field = <input {...common} type="checkbox" checked={checked} onChange={(e) => change(e.target.checked, true)} />;
      break;
    }
    case 'choice':
      field = (
        <select {...common} value={text} onChange={(e) => change(e.target.value, true)}>
          <option value="">{placeholder ? `default (${placeholder})` : '(not set)'}</option>
          {(attr.choices ?? []).map((c) => (
            <option key={String(c)} value={String(c)}>
              {String(c)}
            </option>
          ))}
        </select>
      );
      break;
    case 'int':
    case 'float':
      field = (
        <input
          {...common}
          type="number"
          step={attr.type === 'int' ? 1 : 'any'}
          min={attr.min}
          max={attr.max}
          placeholder={placeholder}
          value={text}
          onChange={(e) => change(e.target.value, false)}
          onBlur={flush}
        />
      );
      break;
    default:
      field = (
        <input
          {...common}
          type="text"
          className={attr.type === 'list' || attr.type === 'dict' ? 'mono' : undefined}
          placeholder={placeholder || (attr.type === 'list' ? '[…]' : attr.type === 'dict' ? '{…}' : '')}
          value={text}
          onChange={(e) => change(e.target.value, false)}
          onBlur={flush}
        />
      );
  }
  const range = [attr.min !== undefined ? `≥ ${attr.min}` : '', attr.max !== undefined ? `≤ ${attr.max}` : ''].filter(Boolean).join(', ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {attr.name}
        <span className="muted field-type">
          {' '}
          {attr.type}
          {range && ` (${range})`}
          {attr.required ? ', required' : ''}
        </span>
      </label>
      {field}
      {error && (
        <span className="form-error" data-testid="attr-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
