import { useEffect, useState } from 'react';
import { api, errorMessage, type Example, type Project } from '../../shared/api';
import { toast } from '../../shared/notify';

/** The example projects (the paper's stories): each can be created as a new project at any time. */
export function ExamplesPanel({ onCreated }: { onCreated: (p: Project) => void }) {
  const [examples, setExamples] = useState<Example[]>([]);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    // examples are optional: a server without them simply shows none
    api.listExamples().then(setExamples, () => setExamples([]));
  }, []);

  const create = async (id: string) => {
    setBusy(id);
    try {
      onCreated(await api.createExample(id));
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setBusy(null);
    }
  };

  if (examples.length === 0) return null;
  return (
    <ul className="examples" data-testid="examples">
      {examples.map((ex) => (
        <li key={ex.id} data-testid="example" data-example-id={ex.id}>
          <div>
            <strong>{ex.name}</strong>
            <p className="muted">{ex.description}</p>
          </div>
          <button type="button" data-testid="example-create" disabled={busy !== null} onClick={() => void create(ex.id)}>
            {busy === ex.id ? 'Creating…' : 'Create project'}
          </button>
        </li>
      ))}
    </ul>
  );
}
