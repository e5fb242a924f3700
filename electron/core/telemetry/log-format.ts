/**
 * One JSON log line as a person reads it on a terminal: `10:15:02.123 INFO  executor [op_…] step finished
 * step=smoke status=succeeded`. A few lines of code instead of pino-pretty (and its dependencies).
 */
const SKIP = new Set(['time', 'level', 'msg', 'module', 'op', 'pid', 'hostname']);

export function formatLine(jsonLine: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const time = typeof rec.time === 'string' ? rec.time.slice(11, 23) : '';
  const level = String(rec.level ?? '').toUpperCase().padEnd(5);
  const module = typeof rec.module === 'string' ? ` ${rec.module}` : '';
  const op = typeof rec.op === 'string' ? ` [${rec.op}]` : '';
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level}${module}${op} ${String(rec.msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
}
