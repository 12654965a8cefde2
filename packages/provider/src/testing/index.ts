export * from './consumer-request.ts';
