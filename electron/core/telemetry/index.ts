export { closeLogging, configureLogging, errorFields, logFilePath, moduleLogger, parseLevel, registerSecret, withLogContext, type Logger, type LogFields } from './log.js';
export { loggingListener } from './operation-log.js';
export { formatLine } from './log-format.js';
export { recordRateLimit, rateLimitReadings, type RateLimitReading } from './rate-limit.js';
export type { MetricsSources, MetricsRenderer } from './metrics.js';
