import type { Document } from 'bson';

/** Options every stage sees. */
export interface PipelineContext {
  collation?: Document;
  variables?: Document;
  resolveCollection?: (db: string | undefined, coll: string) => Document[];
  /** Runs a nested pipeline ($facet, $lookup, $unionWith) with these options. */
  run(docs: Document[], pipeline: Document[], variables?: Document): Document[];
}
