// Reads the TypeScript code blocks out of the repository's Markdown, for test/docs.
import { readFileSync } from 'node:fs';

/** One fenced ```ts / ```tsx block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number;
  lang: 'ts' | 'tsx';
  /** Words after the language: `run` (a complete program, executed), `signatures` (an API listing). */
  flags: string[];
  code: string;
  /**
   * Declarations the block relies on without showing them (names defined elsewhere on the page),
   * from an HTML comment right above the fence: `<!-- prelude: declare const live: LiveClient; -->`.
   * Invisible on the rendered page, compiled with the block.
   */
  prelude: string;
}

const FENCE = /^```(ts|tsx)\b(.*)$/;
const PRELUDE = /^<!--\s*prelude:([\s\S]*?)-->\s*$/;

/** Every ts/tsx block of `file` (relative to `root`), in order. */
export function codeBlocksOf(root: string, file: string): CodeBlock[] {
  const lines = readFileSync(`${root}/${file}`, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const previous = (lines[i - 1] ?? '').trim();
    const prelude = PRELUDE.exec(previous)?.[1]?.trim() ?? '';
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++;
    blocks.push({
      file,
      line: start + 1,
      lang: open[1] as 'ts' | 'tsx',
      flags: (open[2] ?? '').trim().split(/\s+/).filter(Boolean),
      code: lines.slice(start, end).join('\n'),
      prelude,
    });
    i = end;
  }
  return blocks;
}
