/** The five characters PowerShell's tokenizer takes for a single quote: ' and U+2018 to U+201B. */
export const POWERSHELL_SINGLE_QUOTES = ["'", '\u2018', '\u2019', '\u201a', '\u201b'] as const;

function isSingleQuote(char: string | undefined): boolean {
  return POWERSHELL_SINGLE_QUOTES.includes(char as never);
}

/**
 * Reads a single-quoted string literal as PowerShell's tokenizer does (ScanStringLiteral): it opens at any of the
 * five quotes and ends at a quote not followed by another; a quote followed by another is one literal quote, the
 * second. Returns its value and the index after it; undefined when the text ends inside the string.
 */
export function readSingleQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let index = start + 1; index < text.length; index++) {
    let char = text[index];
    if (isSingleQuote(char)) {
      if (!isSingleQuote(text[index + 1])) {
        return { value, end: index + 1 };
      }
      char = text[++index];
    }
    value += char;
  }
  return undefined;
}

/**
 * A line of PowerShell with each single-quoted string replaced by `<s>`, and the strings' values: what a shell runs
 * as code is the skeleton, everything else is data. Throws when a string is left open.
 */
export function skeletonOf(line: string): { skeleton: string; strings: string[] } {
  let skeleton = '';
  const strings: string[] = [];
  for (let index = 0; index < line.length;) {
    if (!isSingleQuote(line[index])) {
      skeleton += line[index++];
      continue;
    }
    const literal = readSingleQuoted(line, index);
    if (!literal) {
      throw new Error(`A string left open at ${index}: ${line}`);
    }
    skeleton += '<s>';
    strings.push(literal.value);
    index = literal.end;
  }
  return { skeleton, strings };
}
