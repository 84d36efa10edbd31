import { useState, type KeyboardEvent } from 'react';

/** Text with four spaces typed at the selection (Tab in the console indents as Python does). */
export function indentAt(text: string, start: number, end: number): { text: string; cursor: number } {
  return { text: text.slice(0, start) + '    ' + text.slice(end), cursor: start + 4 };
}

interface Props {
  disabled: boolean;
  onRun: (code: string) => Promise<boolean>;
}

/** The console's code box: Shift+Enter runs it (and clears it once the server took the cell), Tab indents. */
export function CodeInput({ disabled, onRun }: Props) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!code.trim() || busy) return;
    setBusy(true);
    try {
      if (await onRun(code)) setCode('');
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && e.shiftKey) {
      e.preventDefault();
      void run();
    } else if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      const el = e.currentTarget;
      const next = indentAt(code, el.selectionStart, el.selectionEnd);
      setCode(next.text);
      requestAnimationFrame(() => el.setSelectionRange(next.cursor, next.cursor));
    }
  };
  return (
    <div className="code-input">
      <textarea
        data-testid="console-input"
        aria-label="Python code (Shift+Enter runs it)"
        placeholder="Python… (Shift+Enter runs, Tab indents)"
        spellCheck={false}
        rows={Math.min(12, Math.max(3, code.split('\n').length))}
        value={code}
        disabled={disabled}
        onChange={(e) => setCode(e.target.value)}
        onKeyDown={onKey}
      />
      <button type="button" data-testid="console-run" disabled={disabled || busy || !code.trim()} onClick={() => void run()}>
        Run
      </button>
    </div>
  );
}
