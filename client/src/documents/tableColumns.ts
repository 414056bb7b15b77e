// Column layout of a PrivateServer table export (FORMATS §2.6), without VS Code: the padding that
// makes its TAB- or comma-separated cells line up when shown at the start of each cell, the file
// unchanged. The editor expands a TAB to the next tab stop of the text as written (padding it shows
// does not move tab stops), so widths are measured in columns as the text alone lays them out.

/** The separator of a table line: TAB when it has one, else comma, else none (a title line). */
export function separatorOf(line: string): '\t' | ',' | undefined {
  if (line.includes('\t')) return '\t';
  return line.includes(',') ? ',' : undefined;
}

/** Where each cell starts: its index in the line and its column as the text alone lays it out. */
function cellStarts(line: string, sep: string, tabSize: number): { at: number; column: number }[] {
  const out = [{ at: 0, column: 0 }];
  let column = 0;
  for (let i = 0; i < line.length; i++) {
    column += line[i] === '\t' ? tabSize - (column % tabSize) : 1;
    if (line[i] === sep) out.push({ at: i + 1, column });
  }
  return out;
}

/**
 * How many columns each column of the table takes (cell and separator), the widest over the lines
 * with a separator, the header row included; `maxWidth` keeps one long cell from pushing every row
 * apart. The last column needs none.
 */
export function columnWidths(lines: readonly string[], tabSize = 4, maxWidth = 48): number[] {
  const widths: number[] = [];
  for (const line of lines) {
    const sep = separatorOf(line);
    if (!sep) continue;
    const starts = cellStarts(line, sep, tabSize);
    for (let j = 0; j + 1 < starts.length; j++) widths[j] = Math.max(widths[j] ?? 0, Math.min(maxWidth, starts[j + 1].column - starts[j].column));
  }
  return widths;
}

/**
 * The padding to show at the start of each cell after the first, so that cell j starts at the sum of
 * the widths before it on every line. Comma-separated cells get one more space, so they do not touch.
 */
export function paddingOf(line: string, widths: readonly number[], tabSize = 4): { at: number; spaces: number }[] {
  const sep = separatorOf(line);
  if (!sep) return [];
  const starts = cellStarts(line, sep, tabSize);
  const extra = sep === ',' ? 1 : 0;
  const out: { at: number; spaces: number }[] = [];
  for (let j = 0; j + 1 < starts.length; j++) {
    const spaces = Math.max(0, (widths[j] ?? 0) - (starts[j + 1].column - starts[j].column)) + extra;
    if (spaces > 0) out.push({ at: starts[j + 1].at, spaces });
  }
  return out;
}
