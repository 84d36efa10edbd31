import { useState } from 'react';
import { api, errorMessage } from '../../shared/api';
import { parseArgument } from './model';

interface Props {
  project: string;
  branch: string;
  onClose: () => void;
  onImported: (id: string) => void | Promise<void>;
}

const TORCHVISION = [
  'resnet18', 'resnet34', 'resnet50', 'resnet101', 'alexnet', 'vgg11', 'vgg16', 'squeezenet1_0', 'densenet121',
  'mobilenet_v2', 'mobilenet_v3_small', 'shufflenet_v2_x1_0', 'efficientnet_b0', 'googlenet', 'regnet_y_400mf',
  'inception_v3', 'resnext50_32x4d', 'wide_resnet50_2', 'mnasnet1_0', 'efficientnet_v2_s', 'convnext_tiny', 'vit_b_16',
];

/** Imports a PyTorch model (torchvision by name, or Python code with a factory), traced by the server. */
export function ImportModelDialog({ project, branch, onClose, onImported }: Props) {
  const [from, setFrom] = useState<'torchvision' | 'code'>('torchvision');
  const [model, setModel] = useState('resnet18');
  const [code, setCode] = useState('');
  const [factory, setFactory] = useState('make_model');
  const [name, setName] = useState('');
  const [shape, setShape] = useState('3, 224, 224');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const parsed = parseArgument('list', shape);
    const dims = parsed.value;
    if (!Array.isArray(dims) || dims.length === 0 || !dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
      setError('The input shape is the per-sample shape without the batch dimension, e.g. 3, 224, 224');
      return;
    }
    if (from === 'torchvision' ? !model.trim() : !code.trim() || !factory.trim()) {
      setError(from === 'torchvision' ? 'Name a torchvision model, e.g. resnet18' : 'Paste the code and name the function that builds the model');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await api.importArchitecture(project, branch, {
        ...(name.trim() ? { name: name.trim() } : from === 'code' ? { name: factory.trim() } : {}),
        source: from === 'torchvision' ? { torchvision: model.trim() } : { code, factory: factory.trim() },
        input_shape: dims as number[],
      });
      await onImported(r.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onClick={() => !busy && onClose()}>
      <form
        className="modal arch-import-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="arch-import-title"
        data-testid="arch-import-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && !busy && onClose()}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="arch-import-title">Import a PyTorch model</h2>
        <div className="segmented" role="radiogroup" aria-label="Source">
          <label>
            <input type="radio" name="arch-import-from" data-testid="arch-import-from-torchvision" checked={from === 'torchvision'} onChange={() => setFrom('torchvision')} />
            torchvision model
          </label>
          <label>
            <input type="radio" name="arch-import-from" data-testid="arch-import-from-code" checked={from === 'code'} onChange={() => setFrom('code')} />
            Python code
          </label>
        </div>
        {from === 'torchvision' ? (
          <div className="field">
            <label htmlFor="arch-import-torchvision">Model name</label>
            <input id="arch-import-torchvision" data-testid="arch-import-torchvision" list="arch-import-models" value={model} onChange={(e) => setModel(e.target.value)} autoFocus />
            <datalist id="arch-import-models">
              {TORCHVISION.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor="arch-import-code">Code</label>
              <textarea id="arch-import-code" data-testid="arch-import-code" rows={8} spellCheck={false} value={code} placeholder={'import torch\nfrom torch import nn\n\ndef make_model():\n    return nn.Sequential(...)'} onChange={(e) => setCode(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="arch-import-factory">Function that returns the model</label>
              <input id="arch-import-factory" data-testid="arch-import-factory" value={factory} onChange={(e) => setFactory(e.target.value)} />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor="arch-import-shape">Input shape (per sample, without the batch dimension)</label>
          <input id="arch-import-shape" data-testid="arch-import-shape" value={shape} onChange={(e) => setShape(e.target.value)} placeholder="3, 224, 224" />
        </div>
        <div className="field">
          <label htmlFor="arch-import-name">Name (optional)</label>
          <input id="arch-import-name" data-testid="arch-import-name" value={name} onChange={(e) => setName(e.target.value)} placeholder={from === 'torchvision' ? model : factory} />
        </div>
        {error && (
          <p className="form-error" data-testid="arch-import-error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="secondary" data-testid="arch-import-cancel" disabled={busy} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" data-testid="arch-import-submit" disabled={busy}>
            {busy ? 'Importing… (tracing the model)' : 'Import'}
          </button>
        </div>
      </form>
    </div>
  );
}
