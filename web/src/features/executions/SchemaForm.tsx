import type { Json } from '../../shared/patch';
import type { SecretInfo, SecretKindInfo } from '../../shared/api';

/** The part of JSON Schema the adapters use to describe their configuration. */
export interface Schema {
  type?: string;
  title?: string;
  description?: string;
  default?: Json;
  enum?: Json[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  /** A field naming one of the user's stored secrets of this kind. */
  'x-secret-kind'?: string;
}

export type Values = Record<string, Json>;

/** A field's label when its schema gives no title: "timeLimit" reads "Time limit". */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The option of {@code schema} that names a stored secret of {@code kind}, if it has one. */
export function secretOption(schema: Schema | undefined, kind: string): string | undefined {
  return Object.entries(schema?.properties ?? {}).find(([, field]) => field['x-secret-kind'] === kind)?.[0];
}

interface Props {
  schema: Schema;
  values: Values;
  onChange: (values: Values) => void;
  secrets: SecretInfo[];
  /** The kinds of credentials the adapters declare: whether "env" may be chosen, and which variables it reads. */
  secretKinds?: SecretKindInfo[];
  onAddSecret?: (kind: string) => void;
  prefix: string;
}

/** A form for an adapter's configuration, generated from its JSON Schema (text, numbers, switches, lists, secrets). */
export function SchemaForm({ schema, values, onChange, secrets, secretKinds, onAddSecret, prefix }: Props) {
  const props = schema.properties ?? {};
  const names = Object.keys(props);
  if (names.length === 0) return null;
  const set = (name: string, value: Json | undefined) => {
    const next: Values = { ...values };
    if (value === undefined || value === '') delete next[name];
    else next[name] = value;
    onChange(next);
  };
  return (
    <fieldset className="schema-form" data-testid={`${prefix}-form`}>
      {schema.title && <legend>{schema.title}</legend>}
      {names.map((name) => {
        const field = props[name];
        const id = `${prefix}-${name}`;
        const label = field.title ?? humanize(name);
        const required = schema.required?.includes(name);
        const value = values[name];
        const help = field.description ? <small className="field-help">{field.description}</small> : null;
        if (field['x-secret-kind']) {
          const kind = field['x-secret-kind'];
          const mine = secrets.filter((s) => s.kind === kind);
          const environment = secretKinds?.find((k) => k.kind === kind)?.environment;
          return (
            <div className="field" key={name}>
              <label htmlFor={id}>{label}{required && ' *'}</label>
              <div className="row">
                <select id={id} data-testid={id} value={typeof value === 'string' ? value : ''} onChange={(e) => set(name, e.target.value)}>
                  <option value="">{mine.length ? 'choose stored credentials…' : 'no stored credentials yet'}</option>
                  {mine.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
                  {environment && <option value="env">the server's environment ({environment.join(', ')})</option>}
                </select>
                {onAddSecret && (
                  <button type="button" className="secondary" data-testid={`${id}-add`} onClick={() => onAddSecret(kind)}>
                    Add…
                  </button>
                )}
              </div>
              {help}
            </div>
          );
        }
        if (field.type === 'boolean') {
          return (
            <label className="switch" key={name}>
              <input type="checkbox" data-testid={id} checked={value === true || (value === undefined && field.default === true)}
                onChange={(e) => set(name, e.target.checked)} />
              {label}
              {help}
            </label>
          );
        }
        if (field.type === 'object' && field.properties) {
          return (
            <SchemaForm key={name} schema={{ ...field, title: label }} prefix={id} secrets={secrets} secretKinds={secretKinds} onAddSecret={onAddSecret}
              values={(value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Values}
              onChange={(v) => set(name, Object.keys(v).length ? v : undefined)} />
          );
        }
        if (field.type === 'array') {
          const lines = Array.isArray(value) ? (value as Json[]).map(String).join('\n') : '';
          return (
            <div className="field" key={name}>
              <label htmlFor={id}>{label} <small>(one per line)</small></label>
              <textarea id={id} data-testid={id} rows={2} value={lines}
                onChange={(e) => set(name, e.target.value ? e.target.value.split('\n') : undefined)} />
              {help}
            </div>
          );
        }
        if (field.enum) {
          return (
            <div className="field" key={name}>
              <label htmlFor={id}>{label}{required && ' *'}</label>
              <select id={id} data-testid={id} value={value === undefined ? '' : String(value)} onChange={(e) => set(name, e.target.value)}>
                <option value="">{field.default !== undefined ? `default (${String(field.default)})` : '—'}</option>
                {field.enum.map((o) => <option key={String(o)} value={String(o)}>{String(o)}</option>)}
              </select>
              {help}
            </div>
          );
        }
        const numeric = field.type === 'integer' || field.type === 'number';
        return (
          <div className="field" key={name}>
            <label htmlFor={id}>{label}{required && ' *'}</label>
            <input id={id} data-testid={id} type={numeric ? 'number' : 'text'} min={field.minimum} max={field.maximum}
              placeholder={field.default !== undefined ? String(field.default) : ''}
              value={value === undefined || value === null ? '' : String(value)}
              onChange={(e) => {
                const raw = e.target.value;
                if (!numeric || raw === '') set(name, raw);
                else set(name, field.type === 'integer' ? parseInt(raw, 10) : Number(raw));
              }} />
            {help}
          </div>
        );
      })}
    </fieldset>
  );
}
