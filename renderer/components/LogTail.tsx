import { useEffect, useRef } from 'react';

/** The last lines of a step's output, following new lines unless the user scrolled up to read. */
export function LogTail({ lines, label, maxLines = 200 }: { lines: string[]; label: string; maxLines?: number }) {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  const shown = lines.length > maxLines ? lines.slice(-maxLines) : lines;
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [shown]);
  return (
    <pre
      ref={ref}
      className="log"
      role="log"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      }}
    >
      {shown.length > 0 ? shown.join('\n') : <span className="muted">No output yet.</span>}
    </pre>
  );
}
