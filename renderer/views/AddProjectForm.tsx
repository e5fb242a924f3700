/**
 * Add a project by path: a text field (browser mode) plus "Choose folder…" where the shell offers a native picker.
 * The manifest is validated on the spot (validateProject) as the path settles.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { MethodOutputs } from '../../shared/api/contract.js';
import { useDebounced } from '../lib/hooks.js';
import { useActions, useApp } from '../store/context.js';

type Validation = { state: 'idle' } | { state: 'checking' } | { state: 'done'; path: string; result: MethodOutputs['validateProject'] };

export function AddProjectForm() {
  const { validateProject, addProject } = useActions();
  const pickFolder = useApp((s) => s.transport.pickFolder);
  const projects = useApp((s) => s.app?.projects);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [core, setCore] = useState('');
  const [validation, setValidation] = useState<Validation>({ state: 'idle' });
  const [adding, setAdding] = useState(false);
  const seq = useRef(0);
  const settled = useDebounced(path.trim(), 400);
  const ids = { path: useId(), name: useId(), core: useId(), status: useId() };

  useEffect(() => {
    const mine = ++seq.current;
    if (!settled) {
      setValidation({ state: 'idle' });
      return;
    }
    setValidation({ state: 'checking' });
    void validateProject(settled).then((result) => {
      if (mine === seq.current) setValidation({ state: 'done', path: settled, result });
    });
  }, [settled, validateProject]);

  const result = validation.state === 'done' && validation.path === path.trim() ? validation.result : null;
  const invalid = result !== null && !result.ok;
  // A name clash is fixed by choosing another name; every other validation error blocks adding.
  const nameClash = result !== null && !result.ok && result.error.code === 'PROJECT_EXISTS';
  const blocked = invalid && !(nameClash && name.trim());

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p || blocked) return;
    setAdding(true);
    const input: { path: string; name?: string; core?: string } = { path: p };
    if (name.trim()) input.name = name.trim();
    if (core) input.core = core;
    const ok = await addProject(input);
    setAdding(false);
    if (ok) {
      setPath('');
      setName('');
      setCore('');
    }
  };

  return (
    <form className="panel add-project" aria-labelledby="add-project-title" onSubmit={submit} noValidate>
      <h2 id="add-project-title">Add a project</h2>
      <div className="field">
        <label htmlFor={ids.path}>Project path</label>
        <div className="field-row">
          <input
            id={ids.path}
            type="text"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/you/src/core"
            spellCheck={false}
            autoComplete="off"
            aria-describedby={ids.status}
            aria-invalid={invalid && !nameClash}
          />
          {pickFolder && (
            <button
              type="button"
              className="button"
              onClick={async () => {
                const chosen = await pickFolder();
                if (chosen) setPath(chosen);
              }}
            >
              Choose folder…
            </button>
          )}
        </div>
        <p id={ids.status} className="validation" aria-live="polite">
          {validation.state === 'checking' || (validation.state === 'done' && !result && path.trim()) ? (
            <span className="muted">Checking the manifest…</span>
          ) : result?.ok ? (
            <span className="valid">
              ✓ {result.manifest === 'none' ? 'No manifest: defaults apply' : `${result.manifest} is valid`} — project “{result.name}”
              {result.warnings.length > 0 && (
                <ul className="warnings">
                  {result.warnings.map((w, i) => (
                    <li key={i}>Warning: {w}</li>
                  ))}
                </ul>
              )}
            </span>
          ) : result && !result.ok ? (
            <span className="invalid">✕ {result.error.message}</span>
          ) : (
            <span className="muted">The root of a git checkout (a relative path is read from your home folder). Its upshift.yml (or vertical_manifest.yaml) is checked as you type.</span>
          )}
          {result?.note && <span className="muted path-note"> {result.note}</span>}
        </p>
      </div>
      <div className="field-grid">
        <div className="field">
          <label htmlFor={ids.name}>Name (optional)</label>
          <input id={ids.name} type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder={result?.ok ? result.name : ''} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={ids.core}>Depends on (optional)</label>
          <select id={ids.core} value={core} onChange={(e) => setCore(e.target.value)}>
            <option value="">No core project</option>
            {(projects ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={!path.trim() || blocked || adding}>
          Add project
        </button>
      </div>
    </form>
  );
}
