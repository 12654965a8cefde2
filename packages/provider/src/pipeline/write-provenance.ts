import type { WriteProvenance } from '@gpconnect/store';
import type { GpConnectContext } from './request-context.ts';

/** The provenance an API write records (general.md §12), from what the pipeline learnt of the request. */
export function writeProvenance(context: GpConnectContext, now: Date): WriteProvenance {
  const requester = context.requester;
  return {
    interactionId: context.interactionId ?? '',
    recorded: now.toISOString(),
    traceId: context.traceId,
    author: {
      practitionerId: requester?.practitionerId ?? null,
      name: requester?.practitionerName ?? null,
      sdsUserId: requester?.sdsUserId ?? null,
      roleProfileId: requester?.roleProfileId ?? null,
    },
    organisation: { odsCode: requester?.organisationOds ?? null, name: requester?.organisationName ?? null },
    device: requester?.device ?? null,
  };
}
