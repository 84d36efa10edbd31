import { useState } from 'react';
import type { IfaceAttribute, InterfaceEdit, ObservedType, OperationInterface } from '../../shared/api';
import { brief } from '../../shared/format';
import { defaultEdit } from '../pipeline/attrs';
import { IfaceForm, type IfaceField } from './IfaceForm';
import { outputLabel } from '../../shared/observedTypes';

type Part = 'input' | 'output' | 'attribute' | 'reference';
const TYPE_FROM: Record<string, string> = { annotation: 'annotation', docstring: 'docstring', literal: 'returned value' };

interface Props {
  name: string;
  iface: OperationInterface | null;
  readOnly: boolean;
  /** Sends one interface edit; resolves true when the code was rewritten. */
  onEdit: (edit: InterfaceEdit) => Promise<boolean>;
  /** The types the outputs had in the operation's last successful run, by output name (shown for untyped outputs). */
  observed?: Record<string, ObservedType>;
}

/** Which inline form is open: adding to a part, or renaming / re-defaulting one item. */
type Open = { mode: 'add'; part: Part } | { mode: 'rename' | 'default'; part: Part; name: string } | null;

const ADD_FIELDS: Record<Part, IfaceField[]> = {
  input: [
    { key: 'name', placeholder: 'input name', testId: 'iface-add-input-name' },
    { key: 'type', placeholder: 'type (optional)', testId: 'iface-add-input-type', optional: true },
  ],
  output: [{ key: 'name', placeholder: 'output name', testId: 'iface-add-output-name' }],
  attribute: [
    { key: 'name', placeholder: 'attribute name', testId: 'iface-add-attribute-name' },
    { key: 'default', placeholder: 'default (e.g. 10, 0.1, "adam")', testId: 'iface-add-attribute-default', optional: true },
  ],
  reference: [{ key: 'name', placeholder: 'reference name', testId: 'iface-add-reference-name' }],
};

function attrLine(a: IfaceAttribute): string {
  let s = `${a.name}: ${a.type}`;
  if (a.type === 'choice' && a.choices) s += ` {${a.choices.map(String).join(', ')}}`;
  if (a.default !== undefined) s += ` = ${brief(a.default, 30)}`;
  else if (a.required) s += ' (required)';
  if (a.min !== undefined || a.max !== undefined) s += ` [${a.min ?? ''}…${a.max ?? ''}]`;
  return s;
}

/** The operation's interface as a box (Fig. 10): inputs above, outputs below, attributes and references inside. */
export function InterfaceDiagram({ name, iface, readOnly, onEdit, observed }: Props) {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);

  const add = (part: Part) => async (v: Record<string, string>) => {
    const edit: InterfaceEdit = { action: `add_${part}`, name: v.name };
    if (part === 'input' && v.type) edit.type = v.type;
    if (part === 'attribute' && v.default) Object.assign(edit, defaultEdit(v.default));
    if (part === 'reference') edit.type = 'Architecture';
    return onEdit(edit);
  };

  const item = (part: Part, itemName: string, text: string, title?: string, fromRun = false) => {
    const editing = open && open.mode !== 'add' && open.part === part && open.name === itemName ? open : null;
    return (
      <li
        key={itemName}
        className={`iface-item iface-${part}${fromRun ? ' type-observed' : ''}`}
        data-testid={`iface-${part}`}
        data-name={itemName}
        data-observed={fromRun ? 'true' : undefined}
        title={title}
      >
        {editing?.mode === 'rename' ? (
          <IfaceForm
            fields={[{ key: 'to', placeholder: `new name of ${itemName}`, testId: 'iface-rename-name', initial: itemName }]}
            submitTestId="iface-rename-submit"
            submitLabel="Rename"
            onSubmit={(v) => (v.to === itemName ? Promise.resolve(true) : onEdit({ action: `rename_${part}`, name: itemName, to: v.to }))}
            onCancel={close}
          />
        ) : editing?.mode === 'default' ? (
          <IfaceForm
            fields={[{ key: 'default', placeholder: `default of ${itemName}`, testId: 'iface-default-value' }]}
            submitTestId="iface-default-submit"
            submitLabel="Set"
            onSubmit={(v) => onEdit({ action: 'set_default', name: itemName, ...defaultEdit(v.default) })}
            onCancel={close}
          />
        ) : (
          <>
            <span className="iface-text">{text}</span>
            {!readOnly && (
              <span className="iface-actions">
                {part === 'attribute' && (
                  <button type="button" className="secondary small" data-testid="iface-set-default" title="Change the default" onClick={() => setOpen({ mode: 'default', part, name: itemName })}>
                    =
                  </button>
                )}
                <button type="button" className="secondary small" data-testid="iface-rename" title={`Rename ${itemName}`} onClick={() => setOpen({ mode: 'rename', part, name: itemName })}>
                  ✎
                </button>
                <button type="button" className="secondary small danger-text" data-testid="iface-remove" title={`Remove ${itemName}`} onClick={() => void onEdit({ action: `remove_${part}`, name: itemName })}>
                  ✕
                </button>
              </span>
            )}
          </>
        )}
      </li>
    );
  };

  const adder = (part: Part) =>
    readOnly ? null : open?.mode === 'add' && open.part === part ? (
      <IfaceForm fields={ADD_FIELDS[part]} submitTestId={`iface-add-${part}-submit`} submitLabel="Add" onSubmit={add(part)} onCancel={close} />
    ) : (
      <button type="button" className="secondary small iface-add" data-testid={`iface-add-${part}`} onClick={() => setOpen({ mode: 'add', part })}>
        + {part}
      </button>
    );

  if (!iface) return <section className="iface" data-testid="op-interface"><p className="muted">Reading the interface…</p></section>;
  return (
    <section className="iface" data-testid="op-interface" aria-label={`Interface of ${name}`}>
      <div className="iface-ports iface-ports-in">
        <ul>{iface.inputs.map((p) => item('input', p.name, p.type ? `${p.name}: ${p.type}` : p.name, 'input'))}</ul>
        {adder('input')}
      </div>
      <div className="iface-box">
        <div className="iface-class" data-testid="iface-class">{iface.class ?? name}</div>
        {iface.docstring && <div className="iface-doc muted">{iface.docstring}</div>}
        <div className="iface-section">
          <h4>Attributes</h4>
          <ul>{iface.attributes.map((a) => item('attribute', a.name, attrLine(a), a.annotation))}</ul>
          {iface.attributes.length === 0 && <p className="muted small-text">none</p>}
          {adder('attribute')}
        </div>
        <div className="iface-section">
          <h4>References</h4>
          <ul>{iface.references.map((r) => item('reference', r.name, `${r.name}: ${r.type}`))}</ul>
          {iface.references.length === 0 && <p className="muted small-text">none</p>}
          {adder('reference')}
        </div>
      </div>
      <div className="iface-ports iface-ports-out">
        <ul>
          {iface.outputs.map((p) => {
            const l = outputLabel(p, observed?.[p.name], TYPE_FROM[p.typeFrom ?? 'annotation']);
            return item('output', p.name, l.text, `output ${l.title}`, l.observed);
          })}
        </ul>
        {adder('output')}
      </div>
      {iface.errors.length > 0 && (
        <ul className="iface-errors">
          {iface.errors.map((e, i) => (
            <li key={i} className="form-error" data-testid="op-interface-error">
              {typeof e === 'string' ? e : `${e.line ? `line ${e.line}: ` : ''}${e.message}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
