// The names a package's index exports (values and types), read with the TypeScript compiler.
import type ts from 'typescript';

/** Every name `packages/<pkg>/src/index.ts` exports; `program` must include that file. */
export function exportedNames(program: ts.Program, root: string, pkg: string): Set<string> {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(`${root}/packages/${pkg}/src/index.ts`);
  const symbol = file && checker.getSymbolAtLocation(file);
  if (!symbol) throw new Error(`@mongo-live/${pkg}: no index in the program`);
  return new Set(checker.getExportsOfModule(symbol).map((s) => s.name));
}
