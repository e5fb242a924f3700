/** The project configuration form in Projects & settings, and the store actions behind it. */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../shared/api/types.js';
import { StoreContext } from '../store/context.js';
import { createAppStore } from '../store/store.js';
import { apiError, fakeTransport } from '../testing/fakeTransport.js';
import { configEdits, ProjectConfigFields } from './ProjectConfigForm.js';

const file = '/home/me/.local/share/upshift/projects/chalk/upshift.yml';
const config: ProjectConfig = {
  project: 'chalk',
  file,
  exists: true,
  values: { 'smoke.command': 'npm test' },
  settings: [
    { key: 'install', value: 'npm ci', source: 'manifest', file: 'upshift.yml' },
    { key: 'smoke.command', value: 'npm test', source: 'config', file },
    { key: 'source.tagPattern', value: 'v{version}', source: 'default', file: null },
    { key: 'gates.minor', value: 'auto', source: 'override', file: null },
  ],
};

function render(c: ProjectConfig): string {
  const store = createAppStore(fakeTransport());
  return renderToStaticMarkup(
    <StoreContext.Provider value={store}>
      <ProjectConfigFields config={c} onSave={async () => null} />
    </StoreContext.Provider>,
  );
}

describe('project configuration form', () => {
  it('shows each field with the value in effect and where it comes from; the configured one filled in', () => {
    const html = render(config);
    expect(html).toMatch(/<form[^>]*aria-label="Upshift&#x27;s configuration of [^"]+"/);
    expect(html).toContain(`<code>${file}</code>`);
    for (const label of ['Install command', 'Smoke test command', 'Smoke test timeout (seconds)', 'Tag pattern']) {
      expect(html).toMatch(new RegExp(`<label for="[^"]+">${label.replace(/[()]/g, '\\$&')}</label>`));
    }
    expect(html).toContain('In effect: <code>npm ci</code> (from upshift.yml)');
    expect(html).toContain('In effect: <code>npm test</code> (Upshift&#x27;s configuration)');
    expect(html).toContain('In effect: <code>v{version}</code> (default)');
    expect(html).toMatch(/<input[^>]*value="npm test"/);
    // The manifest's install shows as the placeholder of an empty field; nothing changed yet, so Save is disabled.
    expect(html).toMatch(/<input(?=[^>]*value="")(?=[^>]*placeholder="npm ci")[^>]*>/);
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Save configuration<\/button>/);
  });

  it('sends changed fields as set and emptied configured ones as unset', () => {
    expect(configEdits(config, { install: 'make', 'smoke.command': '', 'smoke.timeoutSeconds': ' 600 ', 'source.tagPattern': '' })).toEqual({
      set: { install: 'make', 'smoke.timeoutSeconds': '600' },
      unset: ['smoke.command'],
    });
    expect(configEdits(config, { 'smoke.command': 'npm test' })).toEqual({ set: {}, unset: [] });
  });

  it('the store loads and saves through the contract; a refusal comes back as the error, without a success toast', async () => {
    const refused = apiError('CONFIG_INVALID', 'smoke.timeoutSeconds: expected a number, got "fast". Nothing was written.');
    const t = fakeTransport({
      getProjectConfig: () => config,
      setProjectConfig: (input: { set?: Record<string, string> }) => {
        if (input.set?.['smoke.timeoutSeconds'] === 'fast') throw refused;
        return { ...config, values: { ...config.values, ...input.set } };
      },
    });
    const store = createAppStore(t);
    const { actions } = store.getState();
    expect(await actions.loadProjectConfig('chalk')).toEqual(config);
    const bad = await actions.saveProjectConfig('chalk', { set: { 'smoke.timeoutSeconds': 'fast' } });
    expect(bad).toEqual({ error: { code: 'CONFIG_INVALID', message: refused.message, retryable: false } });
    const ok = await actions.saveProjectConfig('chalk', { set: { install: 'make' } });
    expect('config' in ok && ok.config.values).toEqual({ 'smoke.command': 'npm test', install: 'make' });
    expect(t.calls.map((c) => c.method)).toEqual(['getProjectConfig', 'setProjectConfig', 'setProjectConfig']);
    expect(t.calls[2]!.input).toEqual({ project: 'chalk', set: { install: 'make' } });
  });
});
