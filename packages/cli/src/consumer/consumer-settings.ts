import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConsumerIdentity, GpConnectClientOptions } from '@gpconnect/sdk';
import { NATIONAL_ROSTER } from '@gpconnect/testdata';
import { SettingsError } from '../settings.ts';

/**
 * How the consumer commands reach the Spine and who they say they are. By default: the local
 * deployment `gpconnect up` starts (same HOST, ports, TLS setting and data directory, so the consumer
 * certificate is found in its PKI), as the roster's default consumer system. Every part can be
 * pointed elsewhere by environment variables (README, Consumer commands).
 */
export function readConsumerSettings(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): GpConnectClientOptions {
  const tls = (env['GPCONNECT_TLS'] || 'mutual') !== 'off';
  const scheme = tls ? 'https' : 'http';
  const host = env['HOST'] || '127.0.0.1';
  const local = (portVariable: string, fallback: number, path = '') => `${scheme}://${host}:${env[portVariable] || fallback}${path}`;
  const pki = resolve(cwd, env['GPCONNECT_DATA_DIR'] || '.data', 'pki');
  const file = (variable: string, name: string) => {
    const path = env[variable] || join(pki, name);
    if (!existsSync(path)) throw new SettingsError(`${variable}: ${path} does not exist (start the system with gpconnect up first, or point ${variable} at the file)`);
    return readFileSync(path, 'utf8');
  };
  const identity: ConsumerIdentity = {
    asid: env['GPCONNECT_CONSUMER_ASID'] || NATIONAL_ROSTER.consumers.defaultConsumerAsid,
    issuer: env['GPCONNECT_CONSUMER_ISSUER'] || 'https://consumer.gpconnect.local/',
    organisation: { odsCode: env['GPCONNECT_CONSUMER_ODS'] || NATIONAL_ROSTER.consumers.consumerOdsCodes[0]!, name: env['GPCONNECT_CONSUMER_ORGANISATION'] || 'gpconnect consumer' },
    practitioner: {
      id: env['GPCONNECT_USER_ID'] || 'local-user',
      sdsUserId: env['GPCONNECT_SDS_USER_ID'] || '111222333444',
      sdsRoleProfileId: env['GPCONNECT_SDS_ROLE_PROFILE_ID'] || '444555666777',
      family: env['GPCONNECT_USER_FAMILY'] || 'Developer',
      given: [env['GPCONNECT_USER_GIVEN'] || 'Local'],
    },
    device: { system: 'https://consumer.gpconnect.local/Id/device', value: 'gpconnect-cli', model: 'gpconnect CLI', version: '0.1.0' },
  };
  return {
    identity,
    spine: {
      pdsUrl: env['GPCONNECT_PDS_URL'] || local('PDS_PORT', 8081, '/personal-demographics/FHIR/R4'),
      sdsUrl: env['GPCONNECT_SDS_URL'] || local('SDS_PORT', 8082, '/spine-directory/FHIR/R4'),
      sdsApiKey: env['GPCONNECT_SDS_API_KEY'] || 'local',
      sspUrl: env['GPCONNECT_SSP_URL'] || local('SSP_PORT', 8083),
    },
    ...(tls ? { tls: { ca: file('GPCONNECT_CA_CERT', 'ca.crt'), cert: file('GPCONNECT_CLIENT_CERT', 'consumer.crt'), key: file('GPCONNECT_CLIENT_KEY', 'consumer.key') } } : {}),
  };
}
