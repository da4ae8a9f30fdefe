// Each package's public surface (bson-order, protocol, client, react, server-bridge, embedded-mongo) is what its README documents: the names its index exports (values
// and types, read with the TypeScript compiler) equal the names in the README's `| export |` table,
// and every export declared in the package has TSDoc (functions and classes with an @example).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packages = ['bson-order', 'protocol', 'client', 'react', 'server-bridge', 'embedded-mongo'] as const;

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('cannot read tsconfig.json');
  return { ...parsed.options, noEmit: true, skipLibCheck: true };
}

/** The client's second entry, `@mongo-live/client/testing`: its table in the client README is `| testing export |`. */
const testingEntry = `${root}packages/client/src/testing/index.ts`;
const entries = [...packages.map((name) => `${root}packages/${name}/src/index.ts`), testingEntry];
const program = ts.createProgram(entries, compilerOptions());
const checker = program.getTypeChecker();

interface Exported {
  name: string;
  declaration: ts.Declaration | undefined;
}

function exportsOf(pkg: string, entry = `${root}packages/${pkg}/src/index.ts`): Exported[] {
  const file = program.getSourceFile(entry);
  const moduleSymbol = file && checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`no module symbol for ${pkg}`);
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return { name: symbol.name, declaration: target.declarations?.[0] };
  });
}

/** Names in the first column of the README's tables whose header starts with `| <header> |`. */
function documentedIn(pkg: string, header = 'export'): string[] {
  const lines = readFileSync(`${root}packages/${pkg}/README.md`, 'utf8').split('\n');
  const names: string[] = [];
  let inTable = false;
  for (const line of lines) {
    if (new RegExp(`^\\|\\s*${header}\\s*\\|`).test(line)) {
      inTable = true;
      continue;
    }
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    if (!inTable || /^\|\s*-+/.test(line)) continue;
    const first = line.split(/(?<!\\)\|/)[1] ?? '';
    for (const [, code] of first.matchAll(/`([^`]+)`/g))
      if (/^[A-Za-z_$][\w$]*$/.test(code as string)) names.push(code as string);
  }
  return names;
}

const ownFile = (declaration: ts.Declaration | undefined) =>
  declaration?.getSourceFile().fileName.startsWith(`${root}packages/`) === true;

describe.each(packages)('@mongo-live/%s', (pkg) => {
  it('exports exactly what its README documents', () => {
    const exported = exportsOf(pkg)
      .map((e) => e.name)
      .sort();
    const documented = [...new Set(documentedIn(pkg))].sort();
    // The table was found (embedded-mongo's surface is the server class and its options).
    expect(documented.length).toBeGreaterThan(pkg === 'embedded-mongo' ? 1 : 5);
    expect(exported).toEqual(documented);
  });

  it('has TSDoc on every export it declares, with an example on functions and classes', () => {
    expect(undocumented(exportsOf(pkg))).toEqual([]);
  });
});

/** Exports declared in the packages without TSDoc, or functions and classes without an @example. */
function undocumented(exported: Exported[]): string[] {
  const missing: string[] = [];
  for (const { name, declaration } of exported) {
    if (!ownFile(declaration)) continue; // bson / mongodb re-exports carry their own docs
    const node = declaration as ts.Declaration;
    if (ts.getJSDocCommentsAndTags(node).length === 0) missing.push(`${name}: no TSDoc`);
    const needsExample = ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node);
    if (needsExample && !ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'example'))
      missing.push(`${name}: no @example`);
  }
  return missing;
}

describe('@mongo-live/client/testing', () => {
  it('exports exactly what the client README documents for it', () => {
    const exported = exportsOf('client', testingEntry)
      .map((e) => e.name)
      .sort();
    const documented = [...new Set(documentedIn('client', 'testing export'))].sort();
    expect(documented.length).toBeGreaterThan(3);
    expect(exported).toEqual(documented);
  });

  it('has TSDoc on every export it declares, with an example on functions and classes', () => {
    expect(undocumented(exportsOf('client', testingEntry))).toEqual([]);
  });
});
