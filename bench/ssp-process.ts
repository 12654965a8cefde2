import { openStore } from '@gpconnect/store';
import { buildSsp } from '@gpconnect/spine';
import { TEST_CONSUMER } from '@gpconnect/provider/testing';

/**
 * The Spine Secure Proxy in a process of its own, as it runs in a deployment (forked by run.ts with
 * the database URL and the provider's origin): it tells its origin over IPC and runs until the
 * parent disconnects.
 */
const [databaseUrl, providerOrigin] = process.argv.slice(2) as [string, string];
const store = await openStore({ databaseUrl, poolSize: 4 });
const ssp = await buildSsp({ db: store.db, providerBaseUrl: providerOrigin, consumers: [{ asid: TEST_CONSUMER.asid, odsCode: TEST_CONSUMER.organisation.odsCode }] });
const origin = (await ssp.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
process.send!(origin);
process.once('disconnect', () => {
  void ssp.close().then(() => store.close());
});
