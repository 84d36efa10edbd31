import { useEffect, useRef, useState } from 'react';
import type { ModelView } from '../../shared/api';
import { pointer, type Json, type PatchOp } from '../../shared/patch';
import { nodeFieldPatch } from './edits';
import { nodeKind, nodeTitle, operationInterface, type PipelineNode } from './model';
import { branchPath } from '../../shared/router';
import { Link } from '../../shared/components/Link';
import { entryLabel } from '../workbench/places';
import { AttrField, ATTR_DEBOUNCE_MS } from './AttrField';

interface Props {
  project: string;
  branch?: string;
  pipelineId: string;
  nodeId: string;
  node: PipelineNode;
  model: ModelView;
  readOnly: boolean;
  edit: (patch: PatchOp[], message: string) => Promise<boolean>;
}

/** The right-hand inspector for one selected node. */
export function NodeInspector({ project, branch, pipelineId, nodeId, node, model, readOnly, edit }: Props) {
  const kind = nodeKind(node);
  const title = nodeTitle(node, model);
  const base = ['pipelines', pipelineId, 'nodes', nodeId];
  let body;
  if (kind === 'operation') {
    const iface = operationInterface(model.operations, node.operation);
    const known = new Set(iface.attributes.map((a) => a.name));
    const stale = Object.keys(node.attributes ?? {}).filter((a) => !known.has(a));
    body = (
      <>
        {iface.attributes.length === 0 && iface.references.length === 0 && <p className="muted">{node.operation} has no attributes.</p>}
        {iface.attributes.map((attr) => (
          <AttrField
            key={attr.name}
            attr={attr}
            value={node.attributes?.[attr.name]}
            readOnly={readOnly}
            onCommit={(v) => edit(nodeFieldPatch(pipelineId, nodeId, node, 'attributes', attr.name, v), `Set ${attr.name} of ${nodeId} (${node.operation})`)}
          />
        ))}
        {iface.references.map((ref) => {
          const value = node.references?.[ref.name];
          return (
            <div className="field" key={ref.name}>
              <label htmlFor={`ref-${ref.name}`}>
                {ref.name}
                <span className="muted field-type"> {ref.type}</span>
              </label>
              <select
                id={`ref-${ref.name}`}
                data-testid="ref-picker"
                data-ref={ref.name}
                disabled={readOnly}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) =>
                  void edit(
                    nodeFieldPatch(pipelineId, nodeId, node, 'references', ref.name, e.target.value || undefined),
                    `Set ${ref.name} of ${nodeId} (${node.operation})`,
                  )
                }
              >
                <option value="">(none)</option>
                {Object.keys(model.architectures ?? {})
                  .sort()
                  .map((a) => (
                    <option key={a} value={a}>
                      {entryLabel(a, model.architectures[a])}
                    </option>
                  ))}
              </select>
            </div>
          );
        })}
        {stale.length > 0 && (
          <p className="muted" data-testid="stale-attributes">
            Values for attributes {node.operation} no longer has: {stale.join(', ')}.{' '}
            {!readOnly && (
              <button
                className="secondary small"
                onClick={() => void edit(stale.map((a) => ({ op: 'remove', path: pointer(...base, 'attributes', a) })), `Drop stale attributes of ${nodeId}`)}
              >
                Remove
              </button>
            )}
          </p>
        )}
      </>
    );
  } else if (kind === 'input') {
    const artifact = node.input?.artifact;
    body = (
      <div className="field">
        <label htmlFor="input-artifact">Artifact</label>
        <select
          id="input-artifact"
          data-testid="artifact-picker"
          disabled={readOnly}
          value={typeof artifact === 'string' ? artifact : ''}
          onChange={(e) => {
            const v = e.target.value;
            void edit(
              v ? [{ op: 'add', path: pointer(...base, 'input', 'artifact'), value: v }] : [{ op: 'remove', path: pointer(...base, 'input', 'artifact') }],
              `Set the artifact of ${nodeId}`,
            );
          }}
        >
          <option value="">(choose an artifact)</option>
          {Object.keys(model.artifacts ?? {})
            .sort()
            .map((a) => (
              <option key={a} value={a}>
                {entryLabel(a, model.artifacts[a])}
              </option>
            ))}
        </select>
      </div>
    );
  } else if (kind === 'output') {
    body = <SaveNameField value={node.output?.saveName ?? ''} readOnly={readOnly} onCommit={(v) => edit([{ op: 'add', path: pointer(...base, 'output', 'saveName'), value: v }], `Set the save name of ${nodeId}`)} />;
  } else {
    body = (
      <p>
        Runs pipeline <strong>{title}</strong>.{' '}
        {branch && <Link to={branchPath(project, branch, 'pipelines', node.pipeline)}>Open it</Link>}
      </p>
    );
  }
  return (
    <aside className="inspector" data-testid="node-inspector" aria-label="Inspector">
      <h2>{title}</h2>
      <p className="muted">
        <code>{nodeId}</code> · {kind === 'operation' ? 'operation' : kind === 'pipeline' ? 'sub-pipeline' : kind}
      </p>
      {body}
    </aside>
  );
}

function SaveNameField({ value, readOnly, onCommit }: { value: string; readOnly: boolean; onCommit: (v: Json) => Promise<boolean> }) {
  const [text, setText] = useState(value);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!dirty.current) setText(value);
  }, [value]);
  const send = (v: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (v.trim() === value) {
      dirty.current = false;
      return;
    }
    void onCommit(v.trim()).finally(() => {
      dirty.current = false;
    });
  };
  return (
    <div className="field">
      <label htmlFor="output-save-name">Save as</label>
      <input
        id="output-save-name"
        data-testid="save-name"
        disabled={readOnly}
        placeholder="Name of the saved artifact"
        value={text}
        onChange={(e) => {
          const v = e.target.value;
          setText(v);
          dirty.current = true;
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => send(v), ATTR_DEBOUNCE_MS);
        }}
        onBlur={() => timer.current && send(text)}
      />
    </div>
  );
}
