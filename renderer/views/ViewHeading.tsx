import { useEffect, useRef, type ReactNode } from 'react';
import { hasNavigated } from '../lib/route.js';

/**
 * The view's h1. It takes focus when the view opens after a navigation (not on first load), so keyboard and
 * screen-reader users start at the top of the new view.
 */
export function ViewHeading({ children, id }: { children: ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (hasNavigated()) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} className="view-title">
      {children}
    </h1>
  );
}
