/**
 * Every GP Connect interaction a provider serves: its Ssp-InteractionID, HTTP method and path below
 * the service root, the service root it lives on, the capability that switches it on and off, and
 * the JWT `requested_scope` it needs (general.md §9 and §10).
 */

/** The service roots of one practice (general.md §1); each capability other than Foundations and Appointments has its own. */
export type ServiceRoot = 'foundations' | 'structured' | 'documents' | 'html';

/** Where each service root lives below `/{ODS}` (general.md §1) and which FHIR release it speaks. */
export const SERVICE_ROOTS: Record<ServiceRoot, { path: string; release: 'stu3' | 'dstu2' }> = {
  foundations: { path: 'STU3/1/gpconnect', release: 'stu3' },
  structured: { path: 'STU3/1/gpconnect/structured', release: 'stu3' },
  documents: { path: 'STU3/1/gpconnect/documents', release: 'stu3' },
  html: { path: 'DSTU2/1/gpconnect', release: 'dstu2' },
};

/** Capabilities a practice can switch on or off. */
export type Capability =
  | 'foundations'
  | 'appointments'
  | 'structured'
  | 'documents'
  | 'html'
  | 'update-record';

export const ALL_CAPABILITIES: readonly Capability[] = [
  'foundations',
  'appointments',
  'structured',
  'documents',
  'html',
  'update-record',
];

export type RequestedScope = 'patient/*.read' | 'patient/*.write' | 'organization/*.read' | 'organization/*.write';

export const REQUESTED_SCOPES: readonly RequestedScope[] = [
  'patient/*.read',
  'patient/*.write',
  'organization/*.read',
  'organization/*.write',
];

export interface InteractionDefinition {
  /** Our name for it; stable, used in code, logs and audit. */
  readonly name: InteractionName;
  readonly interactionId: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path below the service root, `:id` for a logical id segment. */
  readonly path: string;
  readonly serviceRoot: ServiceRoot;
  readonly capability: Capability;
  readonly scope: RequestedScope;
  /** `reason_for_request` values allowed (GP2GP migrate interactions use `migration`). */
  readonly reasons: readonly ('directcare' | 'migration')[];
}

const NS = 'urn:nhs:names:services:gpconnect';

function define(
  name: InteractionName,
  interactionId: string,
  method: InteractionDefinition['method'],
  path: string,
  serviceRoot: ServiceRoot,
  capability: Capability,
  scope: RequestedScope,
  reasons: InteractionDefinition['reasons'] = ['directcare'],
): InteractionDefinition {
  return { name, interactionId, method, path, serviceRoot, capability, scope, reasons };
}

export type InteractionName =
  | 'metadata'
  | 'readPatient'
  | 'searchPatients'
  | 'readPractitioner'
  | 'searchPractitioners'
  | 'readOrganization'
  | 'searchOrganizations'
  | 'readLocation'
  | 'registerPatient'
  | 'searchFreeSlots'
  | 'readAppointment'
  | 'bookAppointment'
  | 'amendAppointment'
  | 'cancelAppointment'
  | 'searchPatientAppointments'
  | 'structuredMetadata'
  | 'getStructuredRecord'
  | 'migrateStructuredRecord'
  | 'documentsMetadata'
  | 'documentsSearchPatients'
  | 'searchDocuments'
  | 'retrieveDocument'
  | 'migrateDocument'
  | 'htmlMetadata'
  | 'getCareRecord';

export const INTERACTIONS: readonly InteractionDefinition[] = [
  define('metadata', `${NS}:fhir:rest:read:metadata-1`, 'GET', 'metadata', 'foundations', 'foundations', 'organization/*.read'),
  define('readPatient', `${NS}:fhir:rest:read:patient-1`, 'GET', 'Patient/:id', 'foundations', 'foundations', 'patient/*.read'),
  define('searchPatients', `${NS}:fhir:rest:search:patient-1`, 'GET', 'Patient', 'foundations', 'foundations', 'patient/*.read'),
  define('readPractitioner', `${NS}:fhir:rest:read:practitioner-1`, 'GET', 'Practitioner/:id', 'foundations', 'foundations', 'organization/*.read'),
  define('searchPractitioners', `${NS}:fhir:rest:search:practitioner-1`, 'GET', 'Practitioner', 'foundations', 'foundations', 'organization/*.read'),
  define('readOrganization', `${NS}:fhir:rest:read:organization-1`, 'GET', 'Organization/:id', 'foundations', 'foundations', 'organization/*.read'),
  define('searchOrganizations', `${NS}:fhir:rest:search:organization-1`, 'GET', 'Organization', 'foundations', 'foundations', 'organization/*.read'),
  define('readLocation', `${NS}:fhir:rest:read:location-1`, 'GET', 'Location/:id', 'foundations', 'foundations', 'organization/*.read'),
  define('registerPatient', `${NS}:fhir:operation:gpc.registerpatient-1`, 'POST', 'Patient/$gpc.registerpatient', 'foundations', 'foundations', 'patient/*.write'),
  define('searchFreeSlots', `${NS}:fhir:rest:search:slot-1`, 'GET', 'Slot', 'foundations', 'appointments', 'organization/*.read'),
  define('readAppointment', `${NS}:fhir:rest:read:appointment-1`, 'GET', 'Appointment/:id', 'foundations', 'appointments', 'patient/*.read'),
  define('bookAppointment', `${NS}:fhir:rest:create:appointment-1`, 'POST', 'Appointment', 'foundations', 'appointments', 'patient/*.write'),
  define('amendAppointment', `${NS}:fhir:rest:update:appointment-1`, 'PUT', 'Appointment/:id', 'foundations', 'appointments', 'patient/*.write'),
  define('cancelAppointment', `${NS}:fhir:rest:cancel:appointment-1`, 'PUT', 'Appointment/:id', 'foundations', 'appointments', 'patient/*.write'),
  define('searchPatientAppointments', `${NS}:fhir:rest:search:patient_appointments-1`, 'GET', 'Patient/:id/Appointment', 'foundations', 'appointments', 'patient/*.read'),
  define('structuredMetadata', `${NS}:structured:fhir:rest:read:metadata-1`, 'GET', 'metadata', 'structured', 'structured', 'organization/*.read'),
  define('getStructuredRecord', `${NS}:fhir:operation:gpc.getstructuredrecord-1`, 'POST', 'Patient/$gpc.getstructuredrecord', 'structured', 'structured', 'patient/*.read'),
  define('migrateStructuredRecord', `${NS}:fhir:operation:gpc.migratestructuredrecord-1`, 'POST', 'Patient/$gpc.migratestructuredrecord', 'structured', 'structured', 'patient/*.read', ['migration']),
  define('documentsMetadata', `${NS}:documents:fhir:rest:read:metadata-1`, 'GET', 'metadata', 'documents', 'documents', 'organization/*.read'),
  define('documentsSearchPatients', `${NS}:documents:fhir:rest:search:patient-1`, 'GET', 'Patient', 'documents', 'documents', 'patient/*.read'),
  define('searchDocuments', `${NS}:documents:fhir:rest:search:documentreference-1`, 'GET', 'Patient/:id/DocumentReference', 'documents', 'documents', 'patient/*.read'),
  define('retrieveDocument', `${NS}:documents:fhir:rest:read:binary-1`, 'GET', 'Binary/:id', 'documents', 'documents', 'patient/*.read'),
  define('migrateDocument', `${NS}:documents:fhir:rest:migrate:binary-1`, 'GET', 'Binary/:id', 'documents', 'documents', 'patient/*.read', ['migration']),
  // Access Record HTML 0.7.x: interaction IDs carry no "-1" suffix (general.md §9).
  define('htmlMetadata', `${NS}:fhir:rest:read:metadata`, 'GET', 'metadata', 'html', 'html', 'organization/*.read'),
  define('getCareRecord', `${NS}:fhir:operation:gpc.getcarerecord`, 'POST', 'Patient/$gpc.getcarerecord', 'html', 'html', 'patient/*.read'),
];

const byName = new Map(INTERACTIONS.map((i) => [i.name, i]));
const byId = new Map<string, InteractionDefinition>();
for (const i of INTERACTIONS) byId.set(i.interactionId, i);
// The 1.x suite sends the HTML interaction IDs with a "-1" suffix; both spellings are accepted. The
// suffixed metadata ID is also the Foundations one, which keeps it: use `acceptsInteractionId` to
// match a header against the interactions of one URL.
for (const name of ['htmlMetadata', 'getCareRecord'] as const) {
  const i = byName.get(name)!;
  if (!byId.has(`${i.interactionId}-1`)) byId.set(`${i.interactionId}-1`, i);
}

/** Whether an Ssp-InteractionID header value names `definition` (HTML IDs in either spelling). */
export function acceptsInteractionId(definition: InteractionDefinition, interactionId: string): boolean {
  return interactionId === definition.interactionId || (definition.serviceRoot === 'html' && interactionId === `${definition.interactionId}-1`);
}

export function interaction(name: InteractionName): InteractionDefinition {
  const found = byName.get(name);
  if (!found) throw new Error(`unknown interaction ${name}`);
  return found;
}

/** Resolves an Ssp-InteractionID header value (exact, case-sensitive) to its interaction. */
export function interactionById(interactionId: string): InteractionDefinition | undefined {
  return byId.get(interactionId);
}
