export { UpshiftService, type ServiceOptions } from './service.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { ServiceError, badInput } from './errors.js';
export { NotificationCenter, updateVerdict, type Notification, type Notifier } from './notifications.js';
export { Poller, type PollerOptions } from './poller.js';
export { DbWatcher, type WatchHandlers } from './watch.js';
export { ServiceAutomation, type ServiceSchedulerOptions } from './schedule.js';
export { deviceProbe } from './device.js';
