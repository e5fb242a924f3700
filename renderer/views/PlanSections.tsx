/** The read-only parts of a plan: risk, dependents, release notes, commits, diffstat, steps. */
import type { UpgradePlan } from '../../shared/api/types.js';
import { RiskBadge } from '../components/Badges.js';
import { withoutBreakingSection } from '../markdown/breaking.js';
import { Markdown } from '../markdown/Markdown.js';
import { domId, formatDateTime, plural, shortSha } from '../lib/format.js';

export function RiskSection({ plan }: { plan: UpgradePlan }) {
  return (
    <section className="panel" aria-labelledby="plan-risk">
      <h2 id="plan-risk">
        Risk <RiskBadge risk={plan.risk} />
      </h2>
      {plan.risk.reasons.length > 0 ? (
        <ul className="reasons">
          {plan.risk.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No particular risk found.</p>
      )}
    </section>
  );
}

export function DependentsSection({ plan }: { plan: UpgradePlan }) {
  const deps = plan.compatibility.dependents;
  return (
    <section className="panel" aria-labelledby="plan-dependents">
      <h2 id="plan-dependents">Dependents</h2>
      {deps.length === 0 ? (
        <p className="muted">No watched project depends on {plan.project}.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Projects that depend on {plan.project} and whether they accept the target</caption>
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Verdict</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {deps.map((d) => (
                <tr key={d.project}>
                  <th scope="row">{d.project}</th>
                  <td>{d.compatible ? <span className="badge compat-ok">Compatible</span> : <span className="badge compat-blocked">Incompatible</span>}</td>
                  <td>{d.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const SOURCE_LABELS: Record<string, string> = {
  metadata: 'from release metadata',
  release: 'from the GitHub release',
  'tag-message': 'from the tag message',
  changelog: 'from the changelog',
  commits: 'from commit messages',
  none: 'no notes',
};

export function ReleaseNotesSection({ plan }: { plan: UpgradePlan }) {
  return (
    <section className="panel" aria-labelledby="plan-notes">
      <h2 id="plan-notes">Release notes</h2>
      {plan.releaseNotes.length === 0 && <p className="muted">No release notes were found for these releases.</p>}
      {plan.releaseNotes.map((note) => (
        <article key={note.tag} className="release-note" aria-labelledby={domId('note', note.tag)}>
          <h3 id={domId('note', note.tag)}>
            {note.version}
            <span className="muted small">
              {' '}
              {note.date ? `· ${formatDateTime(note.date)} ` : ''}· {note.origin ? `from ${note.origin}` : (SOURCE_LABELS[note.source] ?? note.source)}
              {note.truncated && <> · shortened: {note.truncated.omittedLines.toLocaleString('en')} more lines in {note.truncated.from}</>}
            </span>
          </h3>
          {note.breaking.length > 0 && (
            <div className="breaking" role="note" aria-label="Breaking changes">
              <strong>Breaking changes</strong>
              <ul>
                {note.breaking.map((b, i) => (
                  <li key={i}>{b}</li>
                ))}
              </ul>
            </div>
          )}
          {note.body.trim() ? <Markdown source={withoutBreakingSection(note.body, note.breaking)} headingStart={4} /> : <p className="muted">No notes for this release.</p>}
        </article>
      ))}
    </section>
  );
}

export function CommitsSection({ plan }: { plan: UpgradePlan }) {
  const { count, items } = plan.commits;
  return (
    <section className="panel" aria-labelledby="plan-commits">
      <h2 id="plan-commits">Commits ({count.toLocaleString('en')})</h2>
      {items.length === 0 ? (
        <p className="muted">No commits listed.</p>
      ) : (
        <ul className="commits">
          {items.map((c) => (
            <li key={c.sha}>
              <code className="sha">{shortSha(c.sha)}</code> {c.subject}
            </li>
          ))}
        </ul>
      )}
      {count > items.length && <p className="muted small">…and {plural(count - items.length, 'more commit')}.</p>}
    </section>
  );
}

export function DiffstatSection({ plan }: { plan: UpgradePlan }) {
  const d = plan.diffstat;
  return (
    <section className="panel" aria-labelledby="plan-diffstat">
      <h2 id="plan-diffstat">Changes</h2>
      {!d ? (
        <p className="muted">No diffstat available.</p>
      ) : (
        <>
          <p>
            {plural(d.filesChanged, 'file')} changed, <span className="ins">{plural(d.insertions, 'insertion')}</span>,{' '}
            <span className="del">{plural(d.deletions, 'deletion')}</span>
          </p>
          {d.text && (
            <pre className="diffstat" tabIndex={0} aria-label="Diffstat">
              {d.text}
            </pre>
          )}
        </>
      )}
    </section>
  );
}

export function StepsSection({ plan }: { plan: UpgradePlan }) {
  return (
    <section className="panel" aria-labelledby="plan-steps">
      <h2 id="plan-steps">Steps</h2>
      <ol className="plan-steps">
        {plan.steps.map((s) => (
          <li key={s.id}>
            <span className="step-title">{s.title}</span>
            {s.command ? <code className="command">{s.command}</code> : <span className="muted small">internal step</span>}
          </li>
        ))}
      </ol>
      <p className="muted small">Any failure rolls everything back automatically: commit, branch, snapshot paths and stashed work.</p>
    </section>
  );
}

/** For a project that is not a git checkout, what the upgrade changes instead of commits: the install or the commands. */
export function KindSection({ plan }: { plan: UpgradePlan }) {
  const to = plan.to.version ?? '?';
  const from = plan.from.version;
  const step = (id: string) => plan.steps.find((s) => s.id === id)?.command ?? null;
  return (
    <section className="panel" aria-labelledby="plan-kind">
      <h2 id="plan-kind">{plan.kind === 'artifact' ? 'Install' : 'Commands'}</h2>
      {plan.kind === 'artifact' ? (
        <p>
          {to} is unpacked into <code>versions/{to}</code> beside {from ? <code>versions/{from}</code> : 'nothing installed yet'}, then <code>current</code> is switched to it
          in one step. A failure, or a rollback later, switches <code>current</code> back{from ? <> to <code>versions/{from}</code></> : ''} at once.
        </p>
      ) : (
        <p>
          Applied with <code className="command">{step('apply') ?? '(apply)'}</code>; the version is passed as an argument, never as shell text. A failure runs the
          rollback command for {from ?? 'the version installed before'}.
        </p>
      )}
    </section>
  );
}
