export { SelfUpdateController, type SelfUpdateControllerOptions } from './controller.js';
export type { UpdaterEvent, UpdaterPort } from './port.js';
export { SELF_UPDATE_KEY, SelfUpdateStore, type SettingsBackend } from './store.js';
export { externalStatus } from './external.js';
