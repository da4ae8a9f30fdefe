import { Query } from 'mingo/query';
import type { CollationSpec } from 'mingo/types';
import { CommandError, commandError } from '../../errors.js';
import { checkExpressionVariables } from '../checkVariables.js';
import { bsonContext } from '../mingoContext.js';
import { bindNow } from '../systemVariables.js';
import type { CompileContext, DocPredicate } from './condition.js';

/** `$expr`: an aggregation expression evaluated on the document (mingo, with BSON comparisons). */
export function compileExpr(expr: unknown, ctx: CompileContext): DocPredicate {
  // Like mongod, an undefined $$variable fails when the filter is parsed (17276), not per document.
  checkExpressionVariables(expr, new Set(Object.keys(ctx.variables ?? {})));
  const query = new Query(
    { $expr: bindNow(expr, ctx.variables) },
    {
      context: bsonContext,
      variables: ctx.variables,
      collation: ctx.collation as CollationSpec | undefined,
    },
  );
  return (doc) => {
    try {
      return query.test(doc);
    } catch (e) {
      if (e instanceof CommandError) throw e;
      // mingo reports bad expressions as plain errors; the server answers with a command error.
      throw commandError('BadValue', (e as Error).message);
    }
  };
}
