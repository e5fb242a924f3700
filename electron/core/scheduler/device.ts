/**
 * On battery power, on a metered connection — where the OS tells (issue 9 §1). The policy's `battery` / `metered`
 * (`onBattery` / `onMetered` in the settings) hold unattended upgrades back while either is true; `null` means the OS
 * did not say, and nothing is held back for it.
 *
 * - Linux: /sys/class/power_supply/<name>/{type,online,status} — on battery when there is a `Battery` and no `Mains`
 *   or `USB` supply is online (or the battery says `Discharging`); a machine with supplies but no battery is on mains.
 *   Metered from NetworkManager: `nmcli -t -f GENERAL.DEVICE,GENERAL.STATE,GENERAL.METERED dev show`, metered when a
 *   connected device says `yes` (guessed or not); no NetworkManager: not told.
 * - macOS: `pmset -g batt` ("Now drawing from 'Battery Power'"). Metered: not told (macOS has no command for it).
 * - Windows and others: not told (documented in docs/automation.md).
 *
 * The probe runs only when a release could upgrade (the scheduler asks it lazily), and at most once per `ttlMs`.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceState } from '../../../shared/policy/index.js';

export interface DeviceProbeDeps {
  platform: NodeJS.Platform;
  /** Where power supplies are listed (tests point it at a directory of their own). */
  powerSupplyDir: string;
  /** Runs a command; resolves with its stdout, rejects when it cannot run or fails. */
  run: (command: string, args: readonly string[]) => Promise<string>;
  now: () => number;
}

const RUN_TIMEOUT_MS = 3_000;

function runCommand(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: RUN_TIMEOUT_MS, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

export const systemDeviceDeps = (): DeviceProbeDeps => ({ platform: process.platform, powerSupplyDir: '/sys/class/power_supply', run: runCommand, now: () => Date.now() });

function readTrimmed(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Linux power supplies: true on battery, false on mains, null when the kernel lists none (a container). */
export function linuxOnBattery(dir: string): boolean | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  if (names.length === 0) return null;
  let battery = false;
  let discharging = false;
  let mains = false;
  for (const name of names) {
    const type = readTrimmed(join(dir, name, 'type'));
    if (type === 'Battery') {
      // Peripherals (a mouse's battery) say scope Device; only the system's battery counts.
      if (readTrimmed(join(dir, name, 'scope')) === 'Device') continue;
      battery = true;
      if (readTrimmed(join(dir, name, 'status')) === 'Discharging') discharging = true;
    } else if (type === 'Mains' || type?.startsWith('USB')) {
      if (readTrimmed(join(dir, name, 'online')) === '1') mains = true;
    }
  }
  if (!battery) return false;
  return !mains || discharging;
}

/** `nmcli -t -f GENERAL.DEVICE,GENERAL.STATE,GENERAL.METERED dev show`: metered when a connected device says yes. */
export function parseNmcliMetered(stdout: string): boolean | null {
  const devices: Array<{ state: string; metered: string }> = [];
  let current: { state: string; metered: string } | null = null;
  for (const line of stdout.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i);
    const value = line.slice(i + 1).trim();
    if (key === 'GENERAL.DEVICE') devices.push((current = { state: '', metered: '' }));
    else if (current && key === 'GENERAL.STATE') current.state = value;
    else if (current && key === 'GENERAL.METERED') current.metered = value;
  }
  // State "100 (connected)"; loopback is "(connected (externally))" on newer versions and never metered.
  const connected = devices.filter((d) => d.state.startsWith('100'));
  if (connected.length === 0) return null;
  if (connected.some((d) => d.metered.startsWith('yes'))) return true;
  return connected.some((d) => d.metered.startsWith('no')) ? false : null;
}

/** `pmset -g batt`: true on battery, false on AC, null when it does not say. */
export function parsePmsetBattery(stdout: string): boolean | null {
  const m = /drawing from '([^']+)'/.exec(stdout);
  if (!m) return null;
  return m[1] === 'Battery Power';
}

export class DeviceProbe {
  private cached: { at: number; state: DeviceState } | null = null;
  private pending: Promise<DeviceState> | null = null;

  constructor(
    private readonly deps: DeviceProbeDeps = systemDeviceDeps(),
    private readonly ttlMs = 60_000,
  ) {}

  /** The device state now (cached for `ttlMs`); never throws: what cannot be read is null. */
  async state(): Promise<DeviceState> {
    const now = this.deps.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.state;
    this.pending ??= this.read().finally(() => (this.pending = null));
    const state = await this.pending;
    this.cached = { at: now, state };
    return state;
  }

  private async read(): Promise<DeviceState> {
    const { platform, run } = this.deps;
    if (platform === 'linux') {
      const metered = await run('nmcli', ['-t', '-f', 'GENERAL.DEVICE,GENERAL.STATE,GENERAL.METERED', 'dev', 'show']).then(parseNmcliMetered, () => null);
      return { onBattery: linuxOnBattery(this.deps.powerSupplyDir), metered };
    }
    if (platform === 'darwin') {
      const onBattery = await run('pmset', ['-g', 'batt']).then(parsePmsetBattery, () => null);
      return { onBattery, metered: null };
    }
    return { onBattery: null, metered: null };
  }
}
