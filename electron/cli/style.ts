/** Colours only on a terminal and never when NO_COLOR is set (https://no-color.org). Its own file so that start-up
 * (`upshift --help`) does not load the formatters (format.ts). */
export function makeStyle(enabled: boolean) {
  const wrap = (code: string) => (s: string) => (enabled ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36') };
}
export type Style = ReturnType<typeof makeStyle>;
