import { useEffect, useState, type ReactNode } from 'react';
import {
  choiceText,
  formatArgument,
  formatCount,
  formatShape,
  incoming,
  isPythonName,
  parseArgument,
  type ArgSpec,
  type Architecture,
  type LayerAnalysis,
  type LayerSpec,
} from './model';
import type { Json } from '../../shared/patch';

interface Props {
  layerId: string;
  arch: Architecture;
  spec: LayerSpec | undefined;
  analysed: LayerAnalysis | undefined;
  errors: string[];
  /** False for a kind whose layers have no trainable parameters (scikit-learn's estimators). */
  countsParameters: boolean;
  readOnly: boolean;
  /** A value typed but not committed yet (undefined: the field is empty), for instant analysis. */
  onDraft: (arg: string, value: Json | undefined) => void;
  onClearDraft: () => void;
  onArgument: (arg: string, value: Json | undefined) => Promise<boolean>;
  onName: (name: string | undefined) => Promise<boolean>;
  onSwapInputs: (k1: string, k2: string) => void;
}

/** The selected layer's name and arguments (typed by the catalog), and the order of its inputs. */
export function LayerInspector({ layerId, arch, spec, analysed, errors, countsParameters, readOnly, onDraft, onClearDraft, onArgument, onName, onSwapInputs }: Props) {
  const layer = arch.layers[layerId];
  if (!layer) return null;
  const known = new Set((spec?.arguments ?? []).map((a) => a.name));
  const extra: ArgSpec[] = Object.keys(layer.arguments)
    .filter((k) => !known.has(k))
    .map((name) => ({ name, required: false, type: 'any' }));
  const args = [...(spec?.arguments ?? []), ...extra];
  const ins = incoming(arch, layerId);
  const reorder = spec ? spec.max_inputs === null || (spec.inputs ?? 1) > 1 : ins.length > 1;
  return (
    <aside className="inspector arch-inspector" data-testid="layer-inspector" data-layer-id={layerId} aria-label="Layer">
      <h3>
        {layer.type} <span className="muted small-text">{layerId}</span>
      </h3>
      {(spec?.module || spec?.estimatorType) && (
        <p className="small-text arch-spec-origin" data-testid="layer-origin">
          {spec.module && <code>{spec.module}</code>}
          {spec.estimatorType && <span className={`arch-node-tag arch-node-tag-${spec.estimatorType}`}>{spec.estimatorType}</span>}
          {spec.role === 'predictor' && <span className="muted"> the last step</span>}
        </p>
      )}
      {spec?.doc && <p className="muted small-text arch-doc" title={spec.docstring}>{spec.doc}</p>}
      {!spec && <p className="form-error small-text">The catalog has no layer type {layer.type}.</p>}
      {analysed && (
        <p className="small-text">
          Output <code>{formatShape(analysed.output ?? analysed.outputs?.[0])}</code>
          {countsParameters && typeof analysed.parameters === 'number' && <> · {formatCount(analysed.parameters)} parameters</>}
        </p>
      )}
      {errors.map((e, i) => (
        <p key={i} className="form-error small-text" data-testid="layer-inspector-error" role="alert">
          {e}
        </p>
      ))}
      <NameField
        key={`name-${layer.name ?? ''}`}
        value={layer.name ?? ''}
        // a pipeline step is named after its class when unnamed
        placeholder={spec?.module ? `generated when empty: ${layer.type.toLowerCase()}` : 'e.g. conv1 (generated when empty)'}
        readOnly={readOnly}
        onCommit={onName}
      />
      {args.length === 0 && <p className="muted small-text">This layer has no arguments.</p>}
      {args.map((a) => (
        <ArgField
          key={a.name}
          spec={a}
          value={layer.arguments[a.name]}
          inferred={analysed?.inferred?.[a.name]}
          readOnly={readOnly}
          onDraft={(v) => onDraft(a.name, v)}
          onClearDraft={onClearDraft}
          onCommit={(v) => onArgument(a.name, v)}
        />
      ))}
      {reorder && (
        <div className="arch-inputs" data-testid="layer-inputs">
          <h4>Inputs (in order)</h4>
          {ins.length === 0 && <p className="muted small-text">Nothing connected yet.</p>}
          <ol>
            {ins.map(([k, c], i) => (
              <li key={k} data-testid="layer-input-row" data-connection-id={k} data-input={c.to.input ?? 0}>
                <span>
                  {c.to.input ?? 0}: {arch.layers[c.from.layer]?.name ?? c.from.layer}
                  {(c.from.output ?? 0) > 0 ? `.${c.from.output}` : ''}
                </span>
                <button type="button" className="secondary small" data-testid="input-up" disabled={readOnly || i === 0} onClick={() => onSwapInputs(k, ins[i - 1][0])} title="Earlier">
                  ↑
                </button>
                <button type="button" className="secondary small" data-testid="input-down" disabled={readOnly || i === ins.length - 1} onClick={() => onSwapInputs(k, ins[i + 1][0])} title="Later">
                  ↓
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
    </aside>
  );
}

function NameField({ value, placeholder, readOnly, onCommit }: { value: string; placeholder: string; readOnly: boolean; onCommit: (name: string | undefined) => Promise<boolean> }) {
  const [text, setText] = useState(value);
  const bad = text.trim() !== '' && !isPythonName(text.trim());
  const commit = () => {
    const t = text.trim();
    if (bad || t === value) return;
    void onCommit(t || undefined);
  };
  return (
    <div className="field">
      <label htmlFor="layer-name">
        Name <span className="muted field-type">(Python identifier, optional)</span>
      </label>
      <input
        id="layer-name"
        data-testid="layer-name"
        value={text}
        disabled={readOnly}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          else if (e.key === 'Escape') setText(value);
        }}
      />
      {bad && <span className="form-error small-text">Letters, digits and _, not starting with a digit</span>}
    </div>
  );
}

interface ArgProps {
  spec: ArgSpec;
  value: Json | undefined;
  inferred: Json | undefined;
  readOnly: boolean;
  onDraft: (v: Json | undefined) => void;
  onClearDraft: () => void;
  onCommit: (v: Json | undefined) => Promise<boolean>;
}

const HINTS: Record<string, string> = {
  int: 'whole number',
  float: 'number',
  bool: 'true/false',
  str: 'text',
  tuple: 'e.g. 3, 3',
  int_or_tuple: '3 or 3, 3',
  list: 'e.g. 1, 28, 28',
  int_or_none: 'whole number or None',
  float_or_none: 'number or None',
  int_or_float: 'number',
  dict: 'JSON object',
  any: 'JSON',
};

/** The placeholder of an empty field: the default (as Python writes it when it is no JSON), else a hint. */
function placeholderOf(spec: ArgSpec): string {
  if (spec.defaultText) return `default: ${spec.defaultText}`;
  const noneMeant = spec.type.endsWith('_or_none') || spec.type === 'choice' || spec.type === 'any';
  if (spec.default !== undefined && (spec.default !== null || noneMeant))
    return `default: ${spec.default === null ? 'None' : formatArgument(spec.type, spec.default, spec.choices)}`;
  return spec.required ? 'required' : (HINTS[spec.type] ?? '');
}

/** One argument: a field typed by the catalog, the default as placeholder, the inferred value beside it. */
function ArgField({ spec, value, inferred, readOnly, onDraft, onClearDraft, onCommit }: ArgProps) {
  const shown = formatArgument(spec.type, value, spec.choices);
  const [text, setText] = useState(shown);
  const [focused, setFocused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!focused) setText(shown);
  }, [shown, focused]);
  const id = `arg-${spec.name}`;
  const label = (
    <label htmlFor={id} title={spec.doc}>
      {spec.name}
      {spec.required && (
        <span className="required" title="required" aria-label="required">
          {' '}*
        </span>
      )}{' '}
      <span className="muted field-type">{spec.type}</span>
    </label>
  );

  if (spec.type === 'bool') {
    const checked = typeof value === 'boolean' ? value : spec.default === true;
    return (
      <div className="field field-inline">
        <label className="switch" title={spec.doc}>
          <input type="checkbox" id={id} data-testid="layer-arg" data-arg={spec.name} checked={checked} disabled={readOnly} onChange={(e) => void onCommit(e.target.checked)} />
          {spec.name} <span className="muted field-type">bool</span>
        </label>
      </div>
    );
  }

  if (spec.type === 'choice' && spec.choices?.length) return <ChoiceField spec={spec} value={value} readOnly={readOnly} label={label} onCommit={onCommit} />;

  const commit = async () => {
    const p = parseArgument(spec.type, text, spec.choices);
    if (p.error !== undefined) {
      setError(`${spec.name} takes ${p.error}`);
      return;
    }
    setError(null);
    if (JSON.stringify(p.value) === JSON.stringify(value)) {
      onClearDraft();
      return;
    }
    await onCommit(p.value);
  };
  const numeric = spec.type === 'int' || spec.type === 'float';
  const placeholder = placeholderOf(spec);
  const suggestions = spec.choices?.length ? `${id}-choices` : undefined;
  return (
    <div className="field">
      {label}
      <input
        id={id}
        type={numeric ? 'number' : 'text'}
        step={spec.type === 'float' ? 'any' : numeric ? 1 : undefined}
        data-testid="layer-arg"
        data-arg={spec.name}
        aria-invalid={!!error}
        value={text}
        disabled={readOnly}
        placeholder={placeholder}
        title={spec.doc}
        list={suggestions}
        onFocus={() => setFocused(true)}
        onChange={(e) => {
          setText(e.target.value);
          const p = parseArgument(spec.type, e.target.value, spec.choices);
          if (p.error === undefined) {
            setError(null);
            onDraft(p.value);
          }
        }}
        onBlur={() => {
          setFocused(false);
          void commit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void commit();
          else if (e.key === 'Escape') {
            setText(shown);
            setError(null);
            onClearDraft();
          }
        }}
      />
      {suggestions && (
        <datalist id={suggestions}>
          {spec.choices!.map((c) => (
            <option key={choiceText(c)} value={choiceText(c)} />
          ))}
        </datalist>
      )}
      {inferred !== undefined && text.trim() === '' && (
        <span className="muted small-text" data-testid="layer-arg-inferred" data-arg={spec.name}>
          inferred: {formatArgument(spec.type, inferred)}
        </span>
      )}
      {error && <span className="form-error small-text">{error}</span>}
    </div>
  );
}

interface ChoiceProps {
  spec: ArgSpec;
  value: Json | undefined;
  readOnly: boolean;
  label: ReactNode;
  onCommit: (v: Json | undefined) => Promise<boolean>;
}

/** An argument that takes one of a few values: a select whose first option leaves it unset (the default). */
function ChoiceField({ spec, value, readOnly, label, onCommit }: ChoiceProps) {
  const choices = spec.choices ?? [];
  const index = value === undefined ? -1 : choices.findIndex((c) => JSON.stringify(c) === JSON.stringify(value));
  const unset = spec.defaultText ?? (spec.default !== undefined ? choiceText(spec.default) : '');
  return (
    <div className="field">
      {label}
      <select
        id={`arg-${spec.name}`}
        data-testid="layer-arg"
        data-arg={spec.name}
        value={index < 0 && value !== undefined ? 'other' : String(index)}
        disabled={readOnly}
        title={spec.doc}
        onChange={(e) => {
          const i = Number(e.target.value);
          void onCommit(i >= 0 ? choices[i] : undefined);
        }}
      >
        <option value="-1">{unset ? `default (${unset})` : 'unset'}</option>
        {choices.map((c, i) => (
          <option key={i} value={String(i)}>
            {choiceText(c)}
          </option>
        ))}
        {index < 0 && value !== undefined && (
          <option value="other" disabled>
            {choiceText(value)} (not a choice)
          </option>
        )}
      </select>
    </div>
  );
}
