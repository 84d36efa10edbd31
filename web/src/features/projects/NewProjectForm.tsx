import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Project } from '../../shared/api';
import { toast } from '../../shared/notify';
import { DEFAULT_LIBRARY } from '../libraries/libraries';
import { LibraryPicker } from '../libraries/LibraryPicker';
import { useServerLibraries } from '../libraries/useServerLibraries';

export function NewProjectForm({ onCreated }: { onCreated: (p: Project) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [pending, setPending] = useState(false);
  const { libraries } = useServerLibraries(); // without them, the form makes a PyTorch project
  const [chosen, setChosen] = useState<string[]>([DEFAULT_LIBRARY]);
  // PyTorch alone is what a project gets when it names none
  const named = chosen.length === 1 && chosen[0] === DEFAULT_LIBRARY ? undefined : chosen;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || pending || chosen.length === 0) return;
    setPending(true);
    try {
      const p = await api.createProject(name.trim(), description.trim() || undefined, named);
      setName('');
      setDescription('');
      onCreated(p);
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        data-testid="new-project-name"
        placeholder="Project name"
        aria-label="Project name"
        value={name}
        disabled={pending}
        onChange={(e) => setName(e.target.value)}
      />
      <input
        data-testid="new-project-description"
        className="wide"
        placeholder="Description (optional)"
        aria-label="Description"
        value={description}
        disabled={pending}
        onChange={(e) => setDescription(e.target.value)}
      />
      {libraries && libraries.length > 1 && <LibraryPicker libraries={libraries} chosen={chosen} disabled={pending} onChange={setChosen} />}
      <button type="submit" data-testid="new-project-create" disabled={pending || !name.trim() || chosen.length === 0}>
        Create
      </button>
    </form>
  );
}
