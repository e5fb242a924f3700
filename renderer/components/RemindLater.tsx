/**
 * "Remind me later": a disclosure button that opens a short menu of delays (1 hour, 1 day, 1 week). Arrow keys move
 * between choices, Escape closes and returns focus to the button.
 */
import { useEffect, useId, useRef, useState } from 'react';

export const REMIND_CHOICES: Array<{ label: string; minutes: number }> = [
  { label: 'In 1 hour', minutes: 60 },
  { label: 'In 1 day', minutes: 24 * 60 },
  { label: 'In 1 week', minutes: 7 * 24 * 60 },
];

export function RemindLater({ onChoose, disabled }: { onChoose: (minutes: number) => void; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const onDoc = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!menuRef.current?.contains(t) && !buttonRef.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(i + 1) % items.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i - 1 + items.length) % items.length]?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="menu-wrap">
      <button
        ref={buttonRef}
        type="button"
        className="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        Remind me later
      </button>
      {open && (
        <ul ref={menuRef} id={menuId} className="menu" aria-label="Remind me" onKeyDown={onKeyDown}>
          {REMIND_CHOICES.map((c) => (
            <li key={c.minutes}>
              <button
                type="button"
                className="menu-item"
                onClick={() => {
                  setOpen(false);
                  onChoose(c.minutes);
                }}
              >
                {c.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
