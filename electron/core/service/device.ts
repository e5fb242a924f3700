/**
 * The battery / metered-connection reader the app and `serve` give their scheduler: the OS is asked (scheduler/device.ts)
 * at most once a minute, and only when a release could upgrade. UPSHIFT_DEVICE_PROBE=0 turns it off (nothing is then
 * held back for battery or a metered connection).
 */
import { DeviceProbe } from '../scheduler/index.js';
import type { DeviceSource } from '../scheduler/index.js';

export function deviceProbe(env: NodeJS.ProcessEnv = process.env): DeviceSource {
  if (env.UPSHIFT_DEVICE_PROBE === '0') return {};
  const probe = new DeviceProbe();
  return () => probe.state();
}
