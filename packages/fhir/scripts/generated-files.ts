import { buildFhirModel } from './fhir-model-source.ts';
import { buildProfilesJson } from './profiles-source.ts';
import { buildTerminologyJson } from './terminology-source.ts';

/** Every generated file under src/generated and the function that produces its exact content. */
export const GENERATED_FILES: Record<string, () => string> = {
  'stu3-model.json': () => buildFhirModel('stu3'),
  'dstu2-model.json': () => buildFhirModel('dstu2'),
  'profiles.json': buildProfilesJson,
  'terminology.json': buildTerminologyJson,
};
