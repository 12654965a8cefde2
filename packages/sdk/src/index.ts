export type { ConsumerIdentity } from './identity.ts';
export { base64url, consumerJwtClaims, unsecuredJwt } from './jwt.ts';
export { bookingRequest } from './booking-request.ts';
export type { BookableSlot, BookingInput } from './booking-request.ts';
export { GpConnectClient } from './client.ts';
export type { FreeSlot, GpConnectClientOptions, ProviderEndpoint, SlotSearch, SpineLocations, TracedPatient } from './client.ts';
export { EndpointNotFoundError, GpConnectRequestError, PracticeNotFoundError } from './errors.ts';
export type { ClientTls } from './transport.ts';
