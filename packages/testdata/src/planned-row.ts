/** The resource columns of a row the roster plan writes (see ResourceColumns in @gpconnect/store). */
export interface ResourceRow {
  practice_ods: string;
  id: string;
  version: number;
  /** FHIR JSON text as served. */
  resource: string;
  last_updated: Date;
  fixture: string;
}
