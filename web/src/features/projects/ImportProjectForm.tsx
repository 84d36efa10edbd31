import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Project } from '../../shared/api';
import { toast } from '../../shared/notify';

/** Uploads a git bundle (from Export) as a new project. */
export function ImportProjectForm({ onImported }: { onImported: (p: Project) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [pending, setPending] = useState(false);
  const [inputKey, setInputKey] = useState(0);

  const pick = (f: File | null) => {
    setFile(f);
    if (f && !name) setName(f.name.replace(/\.(bundle|git)$/i, ''));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !name.trim() || pending) return;
    setPending(true);
    try {
      const p = await api.importProject(name.trim(), await file.arrayBuffer());
      setFile(null);
      setName('');
      setInputKey((k) => k + 1);
      onImported(p);
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        key={inputKey}
        type="file"
        data-testid="import-file"
        aria-label="Bundle file"
        accept=".bundle,application/x-git-bundle,application/octet-stream"
        disabled={pending}
        onChange={(e) => pick(e.target.files?.[0] ?? null)}
      />
      <input
        data-testid="import-name"
        placeholder="Name for the imported project"
        aria-label="Imported project name"
        value={name}
        disabled={pending}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" data-testid="import-submit" disabled={pending || !file || !name.trim()}>
        Import
      </button>
    </form>
  );
}
