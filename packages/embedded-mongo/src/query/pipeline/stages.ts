import { bsonTypeOf } from '@mongo-live/bson-order';
import { type Document, Long } from 'bson';
import { CommandError, commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { getPathValue, splitPath, valuesAtPath } from '../fieldPath.js';
import { compileFilter } from '../filter/compileFilter.js';
import { isRegexValue } from '../filter/regex.js';
import { toJsNumber } from '../numeric.js';
import { projectStage } from '../projection/applyProjection.js';
import { compileSort } from '../sort.js';
import { addFieldsStage } from './addFieldsStage.js';
import { withoutPath, withPath } from './documentPath.js';
import { evaluate, groupStage } from './groupStage.js';
import type { PipelineContext } from './pipelineContext.js';

/** A stage implemented here rather than in mingo. */
export type Stage = (docs: Document[], spec: unknown, ctx: PipelineContext) => Document[];

function positiveInteger(spec: unknown, name: string, code: number, allowZero: boolean): number {
  const n = toJsNumber(spec);
  if (n === undefined || !Number.isInteger(n))
    throw new CommandError(code, `Location${code}`, `invalid argument to ${name} stage: Expected an integer`);
  if (n < 0 || (!allowZero && n === 0))
    throw new CommandError(
      code,
      `Location${code}`,
      `invalid argument to ${name} stage: ${allowZero ? 'Expected a non-negative number' : 'the limit must be positive'}`,
    );
  return n;
}

const match: Stage = (docs, spec, ctx) => {
  if (!isPlainObject(spec))
    throw new CommandError(15959, 'Location15959', 'the match filter must be an expression in an object');
  const test = compileFilter(spec, { collation: ctx.collation, variables: ctx.variables });
  return docs.filter(test);
};

const sort: Stage = (docs, spec, ctx) => {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0)
    throw new CommandError(15976, 'Location15976', '$sort stage must have at least one sort key');
  return [...docs].sort(compileSort(spec, { collation: ctx.collation }));
};

const limit: Stage = (docs, spec) => docs.slice(0, positiveInteger(spec, '$limit', 15958, false));
const skip: Stage = (docs, spec) => docs.slice(positiveInteger(spec, '$skip', 15956, true));

const count: Stage = (docs, spec) => {
  if (typeof spec !== 'string' || spec === '')
    throw new CommandError(40156, 'Location40156', 'the count field must be a non-empty string');
  if (spec.startsWith('$'))
    throw new CommandError(40158, 'Location40158', 'the count field cannot be a $-prefixed path');
  if (spec.includes('.')) throw new CommandError(40160, 'Location40160', "the count field cannot contain '.'");
  return docs.length === 0 ? [] : [{ [spec]: docs.length }];
};

const unset: Stage = (docs, spec) => {
  const fields = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string'))
    throw new CommandError(
      31002,
      'Location31002',
      '$unset specification must be a string or an array containing at least one field',
    );
  const paths = (fields as string[]).map(splitPath);
  return docs.map((doc) => paths.reduce(withoutPath, doc));
};

const unwind: Stage = (docs, spec) => {
  const options = typeof spec === 'string' ? { path: spec } : spec;
  if (!isPlainObject(options) || typeof options.path !== 'string')
    throw new CommandError(
      15981,
      'Location15981',
      'expected either a string or an object as specification for $unwind stage',
    );
  if (!options.path.startsWith('$'))
    throw new CommandError(28818, 'Location28818', "path option to $unwind stage should be prefixed with a '$'");
  const path = splitPath(options.path.slice(1));
  const indexField = typeof options.includeArrayIndex === 'string' ? splitPath(options.includeArrayIndex) : undefined;
  const preserve = options.preserveNullAndEmptyArrays === true;
  const out: Document[] = [];
  for (const doc of docs) {
    const value = getPathValue(doc, path);
    if (Array.isArray(value) && value.length > 0) {
      value.forEach((element, i) => {
        const unwound = withPath(doc, path, element);
        out.push(indexField ? withPath(unwound, indexField, Long.fromNumber(i)) : unwound);
      });
    } else if (Array.isArray(value) || value === null || value === undefined) {
      if (!preserve) continue;
      const kept = Array.isArray(value) ? withoutPath(doc, path) : doc;
      out.push(indexField ? withPath(kept, indexField, null) : kept);
    } else {
      out.push(indexField ? withPath(doc, indexField, null) : doc);
    }
  }
  return out;
};

const sortByCount: Stage = (docs, spec, ctx) => {
  const grouped = groupStage(docs, { _id: spec, count: { $sum: 1 } }, ctx);
  return grouped.sort((a, b) => (b.count as number) - (a.count as number));
};

const facet: Stage = (docs, spec, ctx) => {
  if (!isPlainObject(spec))
    throw new CommandError(15955, 'Location15955', 'the $facet specification must be a non-empty object');
  const out: Document = {};
  for (const [name, pipeline] of Object.entries(spec)) {
    if (!Array.isArray(pipeline))
      throw new CommandError(
        40170,
        'Location40170',
        `arguments to $facet must be arrays, ${name} is type ${bsonTypeOf(pipeline)}`,
      );
    out[name] = ctx.run(docs, pipeline as Document[]);
  }
  return [out];
};

function foreignDocs(from: unknown, ctx: PipelineContext): Document[] {
  if (!ctx.resolveCollection) throw commandError('NotImplemented', '$lookup needs a collection resolver');
  if (typeof from === 'string') return ctx.resolveCollection(undefined, from);
  if (isPlainObject(from) && typeof from.coll === 'string')
    return ctx.resolveCollection(typeof from.db === 'string' ? from.db : undefined, from.coll);
  throw commandError('FailedToParse', "$lookup 'from' field must be a string or an object with 'db' and 'coll'");
}

const lookup: Stage = (docs, spec, ctx) => {
  if (!isPlainObject(spec) || typeof spec.as !== 'string')
    throw commandError('FailedToParse', "$lookup requires an 'as' field");
  const foreign = spec.from === undefined && Array.isArray(spec.pipeline) ? [] : foreignDocs(spec.from, ctx);
  const as = splitPath(spec.as);
  const hasFields = typeof spec.localField === 'string' && typeof spec.foreignField === 'string';
  if (!hasFields && !Array.isArray(spec.pipeline))
    throw commandError(
      'FailedToParse',
      "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified",
    );
  return docs.map((doc) => {
    let matches = foreign;
    if (hasFields) {
      const local = valuesAtPath(doc, splitPath(spec.localField as string));
      const values = local.length === 0 ? [null] : local;
      // Regexes in the local values are compared as values, not used as patterns.
      const test = compileFilter({ [spec.foreignField as string]: { $in: values.filter((v) => !isRegexValue(v)) } });
      matches = foreign.filter(test);
    }
    if (Array.isArray(spec.pipeline)) {
      const vars: Document = {};
      if (isPlainObject(spec.let)) for (const [k, e] of Object.entries(spec.let)) vars[k] = evaluate(doc, e, ctx);
      matches = ctx.run(matches, spec.pipeline as Document[], vars);
    }
    return withPath(doc, as, matches);
  });
};

const unionWith: Stage = (docs, spec, ctx) => {
  const options = typeof spec === 'string' ? { coll: spec } : spec;
  if (!isPlainObject(options)) throw commandError('FailedToParse', '$unionWith needs a collection name or an object');
  let other = options.coll === undefined ? [] : foreignDocs(options.coll, ctx);
  if (Array.isArray(options.pipeline)) other = ctx.run(other, options.pipeline as Document[]);
  return [...docs, ...other];
};

const group: Stage = groupStage;
const project: Stage = (docs, spec, ctx) => projectStage(docs, spec as Document, ctx);

/** Stages run by this engine (BSON-exact); every other known stage goes to mingo. */
export const ownStages: Readonly<Record<string, Stage>> = {
  $match: match,
  $sort: sort,
  $limit: limit,
  $skip: skip,
  $count: count,
  $unset: unset,
  $addFields: addFieldsStage,
  $set: addFieldsStage,
  $project: project,
  $unwind: unwind,
  $group: group,
  $sortByCount: sortByCount,
  $facet: facet,
  $lookup: lookup,
  $unionWith: unionWith,
};
