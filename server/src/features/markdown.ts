// Markdown for hovers. Every piece of log text is escaped: a log is untrusted input, and must not
// become links (command: URIs), HTML, images or emphasis in the editor.

/** Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of them) and flattens line breaks. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

