// `strata login` checks the credentials against the registry (GET /v2/, through its Basic or
// Bearer challenge) before storing them; `strata logout` removes what login stored.

import { RegistryClient, type TransportOptions } from './client.js';
import { storeCredentials, type Credentials } from './credentials.js';
import { parseRegistryHost } from './image-name.js';

export async function loginTo(text: string, creds: Credentials, options: TransportOptions = {}): Promise<string> {
  const registry = parseRegistryHost(text);
  const client = new RegistryClient(registry, { scopes: [], credentials: creds, ...(options.tlsVerify !== undefined ? { tlsVerify: options.tlsVerify } : {}) });
  try {
    await client.ping();
  } finally {
    client.close();
  }
  storeCredentials(registry, creds);
  return registry;
}

export function logoutFrom(text: string): { registry: string; removed: boolean } {
  const registry = parseRegistryHost(text);
  return { registry, removed: storeCredentials(registry, undefined) };
}
