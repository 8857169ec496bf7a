/**
 * A value as one word a POSIX shell reads back unchanged, for a command line that linewatch prints for the user to
 * paste (`--channels 'Volume Flow RateRMS,Pressure'`): as it is when it holds only characters no shell treats
 * specially, else in single quotes (a quote inside written '\'').
 */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Command-line arguments as one line a POSIX shell splits back into the same arguments (each a shellWord). */
export function commandLine(args: readonly string[]): string {
  return args.map(shellWord).join(' ');
}

/**
 * A command line split into its arguments as a POSIX shell splits it (words between blanks; '…' kept as written; "…"
 * and a backslash outside quotes escaping the next character; in "…", a backslash before $ ` " \ only), for a command a
 * manifest records (commandLine wrote it, or a person); undefined where a quote is left open or a line break outside
 * quotes ends the command (one command is one line). Nothing is expanded (`$HOME`, `*` stay as written): the words are
 * read, never run.
 */
export function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\n') return undefined;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; i < line.length && line[i] !== '"'; i++)
        text += line[i] === '\\' && '$`"\\'.includes(line[i + 1] ?? '') ? line[++i] : line[i];
      if (i >= line.length) return undefined;
      word = (word ?? '') + text;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return undefined;
      // A backslash before a line break joins the lines (no character); before any other, that character as it is.
      if (line[++i] !== '\n') word = (word ?? '') + line[i];
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}
