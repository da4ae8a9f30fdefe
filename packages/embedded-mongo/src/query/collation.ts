import { compareStringsBinary, type StringComparator } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { commandError } from '../errors.js';

const cache = new Map<string, StringComparator>();

/**
 * The string order of a MongoDB collation document, built on `Intl.Collator` (ICU, like the
 * server). No collation or locale 'simple' is binary order.
 */
export function collationComparator(collation: Document | undefined): StringComparator {
  if (!collation || collation.locale === 'simple') return compareStringsBinary;
  if (typeof collation.locale !== 'string') throw commandError('BadValue', "Missing required field 'locale'");
  const key = JSON.stringify(collation);
  let cmp = cache.get(key);
  if (cmp) return cmp;
  const strength = Number(collation.strength ?? 3);
  const sensitivity = strength <= 1 ? (collation.caseLevel ? 'case' : 'base') : strength === 2 ? 'accent' : 'variant';
  const caseFirst = collation.caseFirst === 'upper' || collation.caseFirst === 'lower' ? collation.caseFirst : 'false';
  let collator: Intl.Collator;
  try {
    // MongoDB spells ICU locales with underscores (en_US) and keywords after '@'; Intl wants BCP 47.
    const locale = collation.locale.split('@')[0]!.replace(/_/g, '-');
    collator = new Intl.Collator(locale, {
      sensitivity,
      caseFirst,
      numeric: collation.numericOrdering === true,
      ignorePunctuation: collation.alternate === 'shifted',
      usage: 'sort',
    });
  } catch {
    throw commandError('BadValue', `Field 'locale' is invalid in: ${JSON.stringify(collation)}`);
  }
  cmp = collator.compare;
  cache.set(key, cmp);
  return cmp;
}
