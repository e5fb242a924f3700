/**
 * The CI report as JUnit XML, the format CI systems show as test results (GitHub Actions reporters, GitLab's
 * `artifacts:reports:junit`, Jenkins): one testsuite for the candidate, one testcase per vertical, a `failure` element
 * with every reason for each vertical that is not compatible. Schema as Jenkins and GitLab read it
 * (https://github.com/testmoapp/junitxml).
 */
import { escapeMarkup } from './escape.js';
import type { CiReport } from './types.js';

/** The testcase name: the vertical and its manifest, relative to `cwd` when inside it (names alone can repeat). */
function caseName(name: string, manifest: string, cwd: string): string {
  const rel = manifest.startsWith(`${cwd}/`) ? manifest.slice(cwd.length + 1) : manifest;
  return `${name} (${rel})`;
}

/** `report` as a JUnit XML document. `durationMs` is the gate's own time; `cwd` shortens manifest paths. */
export function ciJunitXml(report: CiReport, opts: { durationMs: number; timestamp: Date; cwd: string }): string {
  const e = escapeMarkup;
  const failures = report.results.filter((r) => !r.compatible).length;
  const seconds = (opts.durationMs / 1000).toFixed(3);
  const c = report.candidate;
  const suite = `upshift ci: ${report.core.name} ${c.version} (${c.label})`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="upshift ci" tests="${report.results.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${e(suite)}" tests="${report.results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${opts.timestamp.toISOString().replace(/\.\d+Z$/, '')}">`,
    '    <properties>',
    `      <property name="core" value="${e(report.core.name)}"/>`,
    `      <property name="core.path" value="${e(report.core.path)}"/>`,
    `      <property name="candidate.version" value="${e(c.version)}"/>`,
    `      <property name="candidate.source" value="${e(c.label)}"/>`,
    ...(c.sha ? [`      <property name="candidate.commit" value="${e(c.sha)}"/>`] : []),
    `      <property name="candidate.contracts_version" value="${e(c.contractsVersion ?? '')}"/>`,
    `      <property name="candidate.breaking_changes" value="${c.breakingChanges.length}"/>`,
    `      <property name="blocked" value="${report.blocked}"/>`,
    '    </properties>',
  ];
  for (const r of report.results) {
    const open = `    <testcase classname="${e(`upshift.ci.${report.core.name}`)}" name="${e(caseName(r.name, r.manifest, opts.cwd))}" file="${e(r.manifest)}" time="0"`;
    if (r.compatible) {
      lines.push(`${open}>`, `      <system-out>${e(r.reasons.join('\n'))}</system-out>`, '    </testcase>');
      continue;
    }
    lines.push(
      `${open}>`,
      `      <failure type="incompatible" message="${e(r.reasons[0] ?? 'not compatible')}">${e(r.reasons.join('\n'))}</failure>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
