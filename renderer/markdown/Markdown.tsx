/**
 * Release notes come from remote repositories: untrusted. They are tokenised with marked's lexer and turned into
 * React elements here — never into an HTML string — so:
 *  - raw HTML (block or inline: <script>, <img onerror>, <svg onload>, comments) is shown as plain text;
 *  - links are links only for absolute https: URLs, opened outside the app (target=_blank, rel=noopener
 *    noreferrer); anything else (javascript:, data:, relative…) is plain text;
 *  - images are never loaded: their alt text is shown;
 *  - the only attributes ever set are href (checked), target, rel, className, start and checkbox state.
 */
import { Fragment, useMemo, type ReactNode } from 'react';
import { marked, type Token, type Tokens } from 'marked';
import { decodeEntities, safeHref } from './safe.js';

/** Longer notes are cut (with a note saying so) rather than freezing the view. */
export const MAX_SOURCE_CHARS = 100_000;

export interface MarkdownProps {
  source: string;
  /** Added to heading levels: notes shown under an h3 pass 3, so "# Title" becomes an h4. */
  headingOffset?: number;
  /** Instead of an offset: the level of the document's top headings; deeper ones follow without gaps (headingLevels). */
  headingStart?: number;
  className?: string;
}

export function lex(source: string): Token[] {
  try {
    return marked.lexer(source.length > MAX_SOURCE_CHARS ? source.slice(0, MAX_SOURCE_CHARS) : source, { gfm: true, breaks: false });
  } catch {
    return [{ type: 'code', raw: source, text: source } as Tokens.Code];
  }
}

interface Ctx {
  headingOffset: number;
  /** Depth → level, when the levels are compressed (headingStart). */
  levels?: ReadonlyMap<number, number>;
}

/**
 * The heading levels of a document placed under a heading of level `start - 1`: its distinct depths, in order, become
 * `start`, `start + 1`, … (at most 6), so "## Fixes" under an h3 is an h4, never an h5 that skips a level (axe
 * heading-order), whatever depth the notes' author began at.
 */
export function headingLevels(tokens: readonly Token[], start: number): Map<number, number> {
  const depths = new Set<number>();
  const visit = (list: readonly Token[]): void => {
    for (const t of list) {
      if (t.type === 'heading') depths.add((t as Tokens.Heading).depth);
      else if (t.type === 'blockquote') visit((t as Tokens.Blockquote).tokens);
    }
  };
  visit(tokens);
  return new Map([...depths].sort((a, b) => a - b).map((d, i) => [d, Math.min(6, start + i)]));
}

export function Markdown({ source, headingOffset = 0, headingStart, className }: MarkdownProps) {
  const tokens = useMemo(() => lex(source), [source]);
  const levels = useMemo(() => (headingStart ? headingLevels(tokens, headingStart) : undefined), [tokens, headingStart]);
  const truncated = source.length > MAX_SOURCE_CHARS;
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      {renderBlocks(tokens, levels ? { headingOffset, levels } : { headingOffset })}
      {truncated && <p className="md-truncated">(Truncated: the notes are longer than {MAX_SOURCE_CHARS.toLocaleString('en')} characters.)</p>}
    </div>
  );
}

export function renderBlocks(tokens: readonly Token[], ctx: Ctx): ReactNode[] {
  return tokens.map((t, i) => <Fragment key={i}>{renderBlock(t, ctx)}</Fragment>);
}

function renderBlock(token: Token, ctx: Ctx): ReactNode {
  switch (token.type) {
    case 'space':
    case 'def':
      return null;
    case 'hr':
      return <hr />;
    case 'heading': {
      const t = token as Tokens.Heading;
      const level = ctx.levels?.get(t.depth) ?? Math.min(6, Math.max(1, t.depth + ctx.headingOffset));
      const Tag = `h${level}` as 'h1';
      return <Tag className="md-heading">{renderInline(t.tokens)}</Tag>;
    }
    case 'code': {
      const t = token as Tokens.Code;
      return (
        <pre className="md-code">
          <code>{t.text}</code>
        </pre>
      );
    }
    case 'blockquote':
      return <blockquote>{renderBlocks((token as Tokens.Blockquote).tokens, ctx)}</blockquote>;
    case 'list':
      return renderList(token as Tokens.List, ctx);
    case 'table':
      return renderTable(token as Tokens.Table);
    case 'paragraph':
      return <p>{renderInline((token as Tokens.Paragraph).tokens)}</p>;
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? renderInline(t.tokens) : decodeEntities(t.text);
    }
    case 'html':
      // Raw HTML is never interpreted: shown as the text it is.
      return <p className="md-raw">{(token as Tokens.HTML).raw.replace(/\n+$/, '')}</p>;
    default:
      return 'raw' in token && typeof token.raw === 'string' && token.raw.trim() ? <p className="md-raw">{token.raw}</p> : null;
  }
}

function renderList(list: Tokens.List, ctx: Ctx): ReactNode {
  const items = list.items.map((item, i) => (
    <li key={i} className={item.task ? 'md-task' : undefined}>
      {item.tokens.map((t, j) => {
        // Tight lists hold "text" blocks; loose ones hold paragraphs.
        if (t.type === 'checkbox') return <Fragment key={j}>{checkbox(Boolean((t as Tokens.Checkbox).checked))}</Fragment>;
        return <Fragment key={j}>{renderBlock(t, ctx)}</Fragment>;
      })}
    </li>
  ));
  if (list.ordered) {
    const start = typeof list.start === 'number' && list.start !== 1 ? list.start : undefined;
    return <ol start={start}>{items}</ol>;
  }
  return <ul>{items}</ul>;
}

function checkbox(checked: boolean): ReactNode {
  return <input type="checkbox" className="md-checkbox" checked={checked} disabled readOnly aria-label={checked ? 'done' : 'not done'} />;
}

function alignClass(align: 'center' | 'left' | 'right' | null | undefined): string | undefined {
  return align ? `md-align-${align}` : undefined;
}

function renderTable(t: Tokens.Table): ReactNode {
  return (
    <div className="md-table-wrap">
      <table className="md-table">
        <thead>
          <tr>
            {t.header.map((cell, i) => (
              <th key={i} scope="col" className={alignClass(cell.align)}>
                {renderInline(cell.tokens)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {t.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (
                <td key={i} className={alignClass(cell.align)}>
                  {renderInline(cell.tokens)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Plain text of inline tokens (image alt text, labels). */
export function plainText(tokens: readonly Token[] | undefined): string {
  if (!tokens) return '';
  return tokens
    .map((t) => {
      if ('tokens' in t && Array.isArray(t.tokens) && t.tokens.length > 0) return plainText(t.tokens);
      if (t.type === 'html') return '';
      if (t.type === 'text' || t.type === 'escape') return decodeEntities((t as Tokens.Text).text);
      return 'text' in t && typeof t.text === 'string' ? t.text : '';
    })
    .join('');
}

export function renderInline(tokens: readonly Token[] | undefined): ReactNode[] {
  if (!tokens) return [];
  return tokens.map((t, i) => <Fragment key={i}>{renderInlineToken(t)}</Fragment>);
}

function renderInlineToken(token: Token): ReactNode {
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens && t.tokens.length > 0 ? renderInline(t.tokens) : decodeEntities(t.text);
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    case 'html':
      return (token as Tokens.Tag).raw;
    case 'strong':
      return <strong>{renderInline((token as Tokens.Strong).tokens)}</strong>;
    case 'em':
      return <em>{renderInline((token as Tokens.Em).tokens)}</em>;
    case 'del':
      return <del>{renderInline((token as Tokens.Del).tokens)}</del>;
    case 'codespan':
      return <code>{(token as Tokens.Codespan).text}</code>;
    case 'br':
      return <br />;
    case 'checkbox':
      return checkbox(Boolean((token as Tokens.Checkbox).checked));
    case 'link': {
      const t = token as Tokens.Link;
      const href = safeHref(t.href);
      const children = t.tokens && t.tokens.length > 0 ? renderInline(t.tokens) : decodeEntities(t.text);
      if (!href) return <span className="md-link-text">{children}</span>;
      return (
        <a href={href} target="_blank" rel="noopener noreferrer" className="md-link" title={t.title ? decodeEntities(t.title) : undefined}>
          {children}
        </a>
      );
    }
    case 'image': {
      const t = token as Tokens.Image;
      const alt = (t.tokens ? plainText(t.tokens) : decodeEntities(t.text)).trim();
      return <span className="md-image">{alt ? `[image: ${alt}]` : '[image]'}</span>;
    }
    default:
      return 'raw' in token && typeof token.raw === 'string' ? token.raw : null;
  }
}
