/**
 * The shell's log: one line per event on stderr — human on a terminal, a JSON object otherwise (the packaged app's
 * stderr goes to the system log, where structured lines are searchable).
 */
export type Log = (message: string, fields?: Record<string, unknown>) => void;

export function createLog(module: string, stream: NodeJS.WriteStream = process.stderr): Log {
  return (message, fields = {}) => {
    const line = stream.isTTY
      ? `upshift ${module}: ${message}${Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`
      : JSON.stringify({ time: new Date().toISOString(), module, message, ...fields });
    try {
      stream.write(`${line}\n`);
    } catch {
      // A closed stderr must never take the app down.
    }
  };
}
