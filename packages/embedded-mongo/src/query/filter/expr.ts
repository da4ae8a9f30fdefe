import { Query } from 'mingo/query';
import type { CollationSpec } from 'mingo/types';
import { bsonContext } from '../mingoContext.js';
import { bindNow } from '../systemVariables.js';
import type { CompileContext, DocPredicate } from './condition.js';

/** `$expr`: an aggregation expression evaluated on the document (mingo, with BSON comparisons). */
export function compileExpr(expr: unknown, ctx: CompileContext): DocPredicate {
  const query = new Query(
    { $expr: bindNow(expr, ctx.variables) },
    {
      context: bsonContext,
      variables: ctx.variables,
      collation: ctx.collation as CollationSpec | undefined,
    },
  );
  return (doc) => query.test(doc);
}
