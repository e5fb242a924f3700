// Battery and metered connection where the OS tells (issue 9 §1): Linux power supplies from a sysfs-shaped directory,
// NetworkManager's and pmset's output as they print it, and the probe's cache and its silence when a command is missing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeTempDir } from '../../../test/helpers/repos.js';
import { DeviceProbe, linuxOnBattery, parseNmcliMetered, parsePmsetBattery, type DeviceProbeDeps } from './device.js';

afterAll(() => cleanupTempDirs());

function sysfs(supplies: Record<string, Record<string, string>>): string {
  const dir = makeTempDir('upshift-power-');
  for (const [name, files] of Object.entries(supplies)) {
    mkdirSync(join(dir, name));
    for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, name, f), `${v}\n`);
  }
  return dir;
}

describe('linuxOnBattery', () => {
  it.each([
    ['a laptop on mains', { AC: { type: 'Mains', online: '1' }, BAT0: { type: 'Battery', status: 'Charging' } }, false],
    ['a laptop unplugged', { AC: { type: 'Mains', online: '0' }, BAT0: { type: 'Battery', status: 'Discharging' } }, true],
    ['USB-C power online', { ucsi: { type: 'USB', online: '1' }, BAT0: { type: 'Battery', status: 'Full' } }, false],
    ['plugged in but discharging (an underpowered charger)', { AC: { type: 'Mains', online: '1' }, BAT0: { type: 'Battery', status: 'Discharging' } }, true],
    ['a desktop: mains, no battery', { AC: { type: 'Mains', online: '1' } }, false],
    ["a desktop with a wireless mouse's battery", { AC: { type: 'Mains', online: '1' }, hidpp: { type: 'Battery', scope: 'Device', status: 'Discharging' } }, false],
    ['the kernel lists no supply (a container): not told', {}, null],
  ])('%s', (_name, supplies, expected) => {
    expect(linuxOnBattery(sysfs(supplies))).toBe(expected);
  });

  it('no power_supply directory at all: not told', () => {
    expect(linuxOnBattery('/nonexistent/power_supply')).toBeNull();
  });
});

describe('parseNmcliMetered', () => {
  const show = (devices: Array<[string, string, string]>) => devices.map(([d, s, m]) => `GENERAL.DEVICE:${d}\nGENERAL.STATE:${s}\nGENERAL.METERED:${m}\n`).join('\n');
  it.each([
    ['a phone hotspot', show([['wlp2s0', '100 (connected)', 'yes (guessed)'], ['lo', '100 (connected (externally))', 'no (guessed)']]), true],
    ['set metered by the user', show([['enp3s0', '100 (connected)', 'yes']]), true],
    ['home Wi-Fi', show([['wlp2s0', '100 (connected)', 'no (guessed)'], ['enp3s0', '20 (unavailable)', 'unknown']]), false],
    ['a metered device that is not connected does not count', show([['wwan0', '30 (disconnected)', 'yes'], ['wlp2s0', '100 (connected)', 'no']]), false],
    ['nothing connected: not told', show([['wlp2s0', '30 (disconnected)', 'unknown']]), null],
    ['unknown on every connected device: not told', show([['wlp2s0', '100 (connected)', 'unknown']]), null],
  ])('%s', (_name, out, expected) => {
    expect(parseNmcliMetered(out)).toBe(expected);
  });
});

describe('parsePmsetBattery', () => {
  it.each([
    ["Now drawing from 'Battery Power'\n -InternalBattery-0 (id=1234)\t85%; discharging; 4:12 remaining present: true\n", true],
    ["Now drawing from 'AC Power'\n -InternalBattery-0 (id=1234)\t100%; charged; 0:00 remaining present: true\n", false],
    ["Now drawing from 'UPS Power'\n", false],
    ['', null],
  ])('%j', (out, expected) => {
    expect(parsePmsetBattery(out)).toBe(expected);
  });
});

describe('DeviceProbe', () => {
  function deps(over: Partial<DeviceProbeDeps>, calls: string[]): DeviceProbeDeps {
    let t = 0;
    return {
      platform: 'linux',
      powerSupplyDir: sysfs({ AC: { type: 'Mains', online: '0' }, BAT0: { type: 'Battery', status: 'Discharging' } }),
      run: async (cmd, args) => {
        calls.push([cmd, ...args].join(' '));
        return 'GENERAL.DEVICE:wlp2s0\nGENERAL.STATE:100 (connected)\nGENERAL.METERED:yes (guessed)\n';
      },
      now: () => (t += 1_000),
      ...over,
    };
  }

  it('Linux: battery from sysfs, metered from nmcli; asked again only after the TTL', async () => {
    const calls: string[] = [];
    const probe = new DeviceProbe(deps({}, calls), 5_000);
    expect(await probe.state()).toEqual({ onBattery: true, metered: true });
    await probe.state();
    expect(calls).toEqual(['nmcli -t -f GENERAL.DEVICE,GENERAL.STATE,GENERAL.METERED dev show']);
    for (let i = 0; i < 5; i++) await probe.state();
    expect(calls).toHaveLength(2);
  });

  it('without NetworkManager, metered is not told (and nothing fails)', async () => {
    const probe = new DeviceProbe(deps({ run: () => Promise.reject(Object.assign(new Error('spawn nmcli ENOENT'), { code: 'ENOENT' })) }, []));
    expect(await probe.state()).toEqual({ onBattery: true, metered: null });
  });

  it('macOS: pmset for the battery, metered not told; Windows: neither told', async () => {
    const calls: string[] = [];
    const mac = new DeviceProbe(deps({ platform: 'darwin', run: async (cmd, args) => (calls.push([cmd, ...args].join(' ')), "Now drawing from 'Battery Power'\n") }, calls));
    expect(await mac.state()).toEqual({ onBattery: true, metered: null });
    expect(calls).toEqual(['pmset -g batt']);
    const win = new DeviceProbe(deps({ platform: 'win32' }, []));
    expect(await win.state()).toEqual({ onBattery: null, metered: null });
  });
});
