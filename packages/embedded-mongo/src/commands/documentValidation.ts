import type { Document } from 'bson';
import { CommandError } from '../errors.js';
import { explainFilter } from '../query/filter/explainFilter.js';
import { compileFilter } from '../query/index.js';
import type { Collection } from '../storage/Collection.js';
import type { CommandContext } from './CommandContext.js';

interface CompiledValidator {
  test(doc: Document): boolean;
  /** errInfo.details of a failing document. */
  explain(doc: Document): Document;
}

/**
 * Compiles a validator (a query filter, possibly with `$jsonSchema`), throwing the errors mongod
 * reports for an invalid one; create and collMod call it before storing the option.
 */
export function compileValidator(validator: Document): CompiledValidator {
  return { test: compileFilter(validator), explain: (doc) => explainFilter(validator, doc) };
}

/** Compiled validators, per options object (collMod replaces the object, so entries never go stale). */
const compiled = new WeakMap<Document, CompiledValidator>();

function validatorOf(collection: Collection): CompiledValidator | undefined {
  const { validator, validationLevel } = collection.options;
  if (!validator || typeof validator !== 'object' || Object.keys(validator).length === 0) return undefined;
  if (validationLevel === 'off') return undefined;
  let v = compiled.get(collection.options);
  if (!v) {
    v = compileValidator(validator as Document);
    compiled.set(collection.options, v);
  }
  return v;
}

/**
 * Document validation as mongod does it for a collection's `validator` (a query filter, with
 * `$jsonSchema` if wanted): an insert or update whose new document fails it is
 * DocumentValidationFailure (121), with `errInfo.failingDocumentId` and `errInfo.details`
 * (mongod's shape: see explainFilter), unless
 * the command passed `bypassDocumentValidation: true`, `validationAction` is 'warn', or
 * `validationLevel` is 'moderate' and the document already failed before the update.
 */
export function validateDocument(ctx: CommandContext, collection: Collection, doc: Document, before?: Document): void {
  if (ctx.body.bypassDocumentValidation === true) return;
  const validator = validatorOf(collection);
  if (!validator || validator.test(doc)) return;
  if (collection.options.validationAction === 'warn') return;
  if (before && collection.options.validationLevel === 'moderate' && !validator.test(before)) return;
  throw new CommandError(121, 'DocumentValidationFailure', 'Document failed validation', {
    errInfo: { failingDocumentId: doc._id, details: validator.explain(doc) },
  });
}
