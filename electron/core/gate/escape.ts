/**
 * Text for XML and HTML: the five special characters as entities, and characters XML 1.0 cannot carry at all (C0
 * controls but tab, newline and carriage return; lone surrogates; U+FFFE/U+FFFF) as U+FFFD, so a reason quoting
 * a hostile manifest value can neither break the markup nor make the file unparseable.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what is being removed
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeMarkup(text: string): string {
  return text
    .replace(NOT_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
