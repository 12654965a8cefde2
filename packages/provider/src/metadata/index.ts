import type { Handler, HandlerTable } from '../http/handler.ts';
import type { ProviderConfig } from '../config.ts';
import {
  documentsCapabilityStatement,
  foundationsCapabilityStatement,
  htmlConformance,
  structuredCapabilityStatement,
} from './capability-statements.ts';

/** Serves a statement built once per deployment (it depends only on the deployment's configuration). */
function statementHandler(build: (config: ProviderConfig) => object): Handler {
  const built = new WeakMap<ProviderConfig, string>();
  return async (_request, { config }) => {
    let json = built.get(config);
    if (json === undefined) built.set(config, (json = JSON.stringify(build(config))));
    return { status: 200, json };
  };
}

export const metadataHandlers: HandlerTable = {
  metadata: statementHandler(foundationsCapabilityStatement),
  structuredMetadata: statementHandler(structuredCapabilityStatement),
  documentsMetadata: statementHandler(documentsCapabilityStatement),
  htmlMetadata: statementHandler(htmlConformance),
};
