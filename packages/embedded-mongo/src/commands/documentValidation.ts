import type { Document } from 'bson';
import { CommandError } from '../errors.js';
import { compileFilter } from '../query/index.js';
import type { Collection } from '../storage/Collection.js';
import type { CommandContext } from './CommandContext.js';

type Predicate = (doc: Document) => boolean;

/** Compiled validators, per options object (collMod replaces the object, so entries never go stale). */
const compiled = new WeakMap<Document, Predicate>();

function validatorOf(collection: Collection): Predicate | undefined {
  const { validator, validationLevel } = collection.options;
  if (!validator || typeof validator !== 'object' || Object.keys(validator).length === 0) return undefined;
  if (validationLevel === 'off') return undefined;
  let test = compiled.get(collection.options);
  if (!test) {
    test = compileFilter(validator as Document);
    compiled.set(collection.options, test);
  }
  return test;
}

/**
 * Document validation as mongod does it for a collection's `validator` (a query filter):
 * an insert or update whose new document fails it is DocumentValidationFailure (121), with
 * `errInfo.failingDocumentId`, unless the command passed `bypassDocumentValidation: true`,
 * `validationAction` is 'warn', or `validationLevel` is 'moderate' and the document already
 * failed before the update. `$jsonSchema` validators are not supported.
 */
export function validateDocument(ctx: CommandContext, collection: Collection, doc: Document, before?: Document): void {
  if (ctx.body.bypassDocumentValidation === true) return;
  const test = validatorOf(collection);
  if (!test || test(doc)) return;
  if (collection.options.validationAction === 'warn') return;
  if (before && collection.options.validationLevel === 'moderate' && !test(before)) return;
  throw new CommandError(121, 'DocumentValidationFailure', 'Document failed validation', {
    errInfo: {
      failingDocumentId: doc._id,
      details: {
        operatorName: '$and',
        specifiedAs: collection.options.validator,
        reason: 'the document does not match the collection validator',
      },
    },
  });
}
