import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Project } from '../../shared/api';
import { toast } from '../../shared/notify';

export function NewProjectForm({ onCreated }: { onCreated: (p: Project) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [pending, setPending] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || pending) return;
    setPending(true);
    try {
      const p = await api.createProject(name.trim(), description.trim() || undefined);
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
      <button type="submit" data-testid="new-project-create" disabled={pending || !name.trim()}>
        Create
      </button>
    </form>
  );
}
