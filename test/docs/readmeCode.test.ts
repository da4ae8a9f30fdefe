// The code of every README and doc page compiles under the repository's strict settings, and the
// blocks marked `run` (complete programs) run to completion: the docs cannot rot unnoticed.
// Blocks marked `signatures` (API listings) are checked name by name against the packages' exports.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type CodeBlock, codeBlocksOf } from './codeBlocks.js';
import { exportedNames } from './exportedNames.js';

const root = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const MARKDOWN = [
  'README.md',
  'docs/ARCHITECTURE.md',
  'docs/API.md',
  'docs/ssr.md',
  'docs/deployment.md',
  'docs/security.md',
  ...['bson-order', 'protocol', 'server-bridge', 'client', 'react', 'embedded-mongo'].map(
    (p) => `packages/${p}/README.md`,
  ),
  'examples/next-app/README.md',
  'examples/cluster/README.md',
  'bench/README.md',
].filter((file) => ts.sys.fileExists(`${root}/${file}`));

const outDir = `${root}/.tmp/docs-code`;
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

interface Written {
  block: CodeBlock;
  path: string;
  preludeLines: number;
}

const written: Written[] = [];
for (const file of MARKDOWN) {
  for (const block of codeBlocksOf(root, file)) {
    if (block.flags.includes('signatures')) continue;
    const path = `${outDir}/${file.replaceAll('/', '__')}.${block.line}.${block.lang}`;
    const prelude = block.prelude ? `${block.prelude}\n` : '';
    // `export {}` makes each block a module of its own (top-level await, no clashes between blocks).
    writeFileSync(path, `${prelude}${block.code}\nexport {};\n`);
    written.push({ block, path, preludeLines: prelude ? prelude.split('\n').length - 1 : 0 });
  }
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(`${root}/tsconfig.json`, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return { ...parsed.options, noEmit: true, noUnusedLocals: false };
}

const PACKAGES = ['bson-order', 'protocol', 'server-bridge', 'client', 'react', 'embedded-mongo'];
const program = ts.createProgram(
  [...written.map((w) => w.path), ...PACKAGES.map((p) => `${root}/packages/${p}/src/index.ts`)],
  compilerOptions(),
);

/** Diagnostics of one block, as `file:line: message` with the Markdown file's line numbers. */
function diagnosticsOf(w: Written): string[] {
  const source = program.getSourceFile(w.path);
  if (!source) return [`${w.block.file}:${w.block.line}: not compiled`];
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const at = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
    const line = at < w.preludeLines ? `${w.block.line - 1} (prelude)` : String(w.block.line + at - w.preludeLines);
    return `${w.block.file}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const withCode = MARKDOWN.filter((file) => codeBlocksOf(root, file).length > 0);

describe.each(withCode)('%s', (file) => {
  const mine = written.filter((w) => w.block.file === file);
  const signatures = codeBlocksOf(root, file).filter((b) => b.flags.includes('signatures'));

  if (mine.length > 0) {
    it('its code blocks typecheck (strict)', () => {
      expect(mine.flatMap(diagnosticsOf)).toEqual([]);
    });
  }

  for (const w of mine.filter((x) => x.block.flags.includes('run'))) {
    it(`the program at line ${w.block.line} runs to completion`, () => {
      const res = spawnSync(process.execPath, ['--import', 'tsx', w.path], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TSX_TSCONFIG_PATH: `${root}/tsconfig.json` },
      });
      expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
    });
  }

  if (signatures.length === 0) return;
  it('every name its API listings declare is exported by that package', () => {
    const missing: string[] = [];
    for (const block of signatures) {
      const pkg = block.flags.find((f) => f.startsWith('@mongo-live/'));
      if (!pkg) {
        missing.push(`${file}:${block.line}: a signatures block names no package (\`\`\`ts signatures @mongo-live/x)`);
        continue;
      }
      const exported = exportedNames(program, root, pkg.slice('@mongo-live/'.length));
      // `planned` listings name what is not built yet: once it is, the listing must move.
      const planned = block.flags.includes('planned');
      for (const name of declaredNames(block.code)) {
        if (!planned && !exported.has(name)) missing.push(`${file}:${block.line}: ${pkg} does not export ${name}`);
        if (planned && exported.has(name)) missing.push(`${file}:${block.line}: ${name} is exported now: document it`);
      }
    }
    expect(missing).toEqual([]);
  });
});

/** Top-level names a listing declares: `function x`, `class X`, `interface X`, `type X`, `const x`. */
function declaredNames(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/^(?:export\s+)?(?:function|class|interface|type|const)\s+([A-Za-z_$][\w$]*)/gm)) {
    if (m[1]) names.add(m[1]);
  }
  return [...names];
}
