export * from './types.js';
export { parseChannelUrl, routes, channelName, scrub, roughRedact, splitUrlList } from './url.js';
export { NotifyHub, selectChannels, type NotifyInput } from './hub.js';
export { channelHealth, listChannels, settingsEntries, SETTINGS_KEY, type ChannelEntry, type ChannelSources, type ConfiguredChannel } from './channels.js';
export { Outbox } from './outbox.js';
export { DeliveryLoop, backoffMs, GIVE_UP_AFTER_MS } from './delivery.js';
export { headlessDesktop, headlessNotifier, type HeadlessDesktop } from './desktop.js';
export { operationEvent } from './message.js';
