/**
 * The files `upshift daemon install` writes (issue 9 §2): a systemd --user unit on Linux and a launchd agent on macOS.
 * Pure: paths and content from their inputs, so they are tested as text; writing them and telling the user the exact
 * command to enable them is the CLI's part. Nothing here runs systemctl or launchctl.
 */
import { join } from 'node:path';

export const SYSTEMD_UNIT_NAME = 'upshift.service';
export const LAUNCHD_LABEL = 'dev.upshift.daemon';

export interface DaemonUnitInput {
  /** The node binary (process.execPath). */
  node: string;
  /** The built CLI (dist/upshift.mjs). */
  cli: string;
  /** The state directory the daemon uses (UPSHIFT_HOME), when not the default. */
  stateHome: string | null;
  /** The user's home directory. */
  home: string;
}

export interface DaemonUnitFile {
  kind: 'systemd' | 'launchd';
  path: string;
  content: string;
  /** What the user runs to start it now and at every login. */
  enable: string;
  /** What the user runs before `uninstall` removes the file. */
  disable: string;
}

/** Quotes a word for systemd's ExecStart= (double quotes, with backslash and quote escaped). */
function systemdQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function systemdUnit(input: DaemonUnitInput): DaemonUnitFile {
  const lines = [
    '[Unit]',
    'Description=Upshift: keeps git checkouts up to date, unattended within the automation policy',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[input.node, input.cli, 'daemon'].map(systemdQuote).join(' ')}`,
    ...(input.stateHome ? [`Environment=${systemdQuote(`UPSHIFT_HOME=${input.stateHome}`)}`] : []),
    // SIGTERM stops the scheduler cleanly: an upgrade in progress is rolled back by its own handler, then it exits 0.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=120',
    'Restart=on-failure',
    'RestartSec=30',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ];
  return {
    kind: 'systemd',
    path: join(input.home, '.config', 'systemd', 'user', SYSTEMD_UNIT_NAME),
    content: lines.join('\n'),
    enable: `systemctl --user daemon-reload && systemctl --user enable --now ${SYSTEMD_UNIT_NAME}`,
    disable: `systemctl --user disable --now ${SYSTEMD_UNIT_NAME}`,
  };
}

export function launchdPlist(input: DaemonUnitInput): DaemonUnitFile {
  const path = join(input.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const args = [input.node, input.cli, 'daemon'].map((a) => `    <string>${xmlEscape(a)}</string>`);
  const env = input.stateHome
    ? ['  <key>EnvironmentVariables</key>', '  <dict>', '    <key>UPSHIFT_HOME</key>', `    <string>${xmlEscape(input.stateHome)}</string>`, '  </dict>']
    : [];
  const log = join(input.home, 'Library', 'Logs', 'upshift-daemon.log');
  const content = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${LAUNCHD_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args,
    '  </array>',
    ...env,
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ProcessType</key>',
    '  <string>Background</string>',
    '  <key>StandardOutPath</key>',
    `  <string>${xmlEscape(log)}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xmlEscape(log)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
  return {
    kind: 'launchd',
    path,
    content,
    enable: `launchctl bootstrap gui/$(id -u) ${path}`,
    disable: `launchctl bootout gui/$(id -u) ${path}`,
  };
}

/** The unit for this platform: launchd on macOS, systemd --user elsewhere. */
export function daemonUnit(platform: NodeJS.Platform, input: DaemonUnitInput): DaemonUnitFile {
  return platform === 'darwin' ? launchdPlist(input) : systemdUnit(input);
}
